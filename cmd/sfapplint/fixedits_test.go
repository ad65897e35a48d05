package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

func TestTextEditCoversWholeLines(t *testing.T) {
	before := "<a>\n    <isPkceRequired>false</isPkceRequired>\n    <label>é</label>\n</a>\n"
	tests := []struct {
		name  string
		after string
		want  rules.TextEdit
	}{
		{
			name:  "value changed inside a line",
			after: "<a>\n    <isPkceRequired>true</isPkceRequired>\n    <label>é</label>\n</a>\n",
			want:  rules.TextEdit{File: "f.xml", StartLine: 2, StartColumn: 1, EndLine: 2, EndColumn: 43, Text: "    <isPkceRequired>true</isPkceRequired>"},
		},
		{
			name:  "line inserted",
			after: "<a>\n    <isPkceRequired>false</isPkceRequired>\n    <isRotation>true</isRotation>\n    <label>é</label>\n</a>\n",
			want:  rules.TextEdit{File: "f.xml", StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 1, Text: "    <isRotation>true</isRotation>\n"},
		},
		{
			name:  "non-ASCII line changed",
			after: "<a>\n    <isPkceRequired>false</isPkceRequired>\n    <label>è</label>\n</a>\n",
			want:  rules.TextEdit{File: "f.xml", StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 21, Text: "    <label>è</label>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := metadata.ParseDocument("f.xml", []byte(before), metadata.ParseLimits{})
			if err != nil {
				t.Fatal(err)
			}
			got := textEdit(doc, []byte(before), []byte(tt.after))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("textEdit (-want +got):\n%s", diff)
			}
		})
	}
}
