package formdecl

// This file is a contract: what pages rendering a form and the
// application package read of a declaration. Bodies are filled in by the
// form pages' work (issue 5).

// Info describes one field of a declaration for a page that renders it.
type Info struct {
	Pointer   string // into the data; inside a repeatable group, relative to its element
	Type      string // "string", "integer", "number", "boolean", "array", "object"
	Format    string // "date", "snils", "inn12", "phone-ru", "email", "file", ...
	Title     string
	TitleEn   string
	Hint      string // x-hint (or description): a line under the label
	HintEn    string
	Required  bool     // the enclosing object requires it (conditions aside)
	Options   []Option // from enum, or oneOf/anyOf of const with titles
	Directory string   // x-directory
	MaxLength int      // runes; 0 when unbounded
	// Widget is x-widget: "textarea", "radio", "checkboxes", "select" or
	// "" (the type decides).
	Widget string
	File   *FileRule // file fields: format "file", or an array of them
}

// Option is one allowed value with its titles.
type Option struct {
	Value   any
	Title   string
	TitleEn string
}

// FileRule is what a file field accepts: x-accept (content types),
// x-max-bytes, and for an array of files maxItems.
type FileRule struct {
	Accept   []string
	MaxBytes int64
	MaxFiles int // 1 for a single file
}

// FileRef is a file reference held in the data: the exact pointer of the
// value and the reference (an attachment's ID as the application stored it).
type FileRef struct {
	Pointer string // "/children/0/birthCertificate" or "/documents/2"
	Value   string
}

// Info returns the description of the field at pointer (a data pointer;
// array indices may be given or left out: "/children/0/snils" and
// "/children/snils" both name the child's SNILS field).
func (d *Decl) Info(pointer string) (Info, bool) { return Info{}, false }

// FileRefs lists the file references the data holds, in document order.
func (d *Decl) FileRefs(data any) []FileRef { return nil }
