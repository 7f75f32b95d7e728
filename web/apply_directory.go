package web

import "github.com/okno/okno/catalog"

// Fields that choose from a catalogue directory. A small directory is one
// select, grouped by parent when it has parents; a large hierarchical one
// (schools of the city) asks for the parent first — the district — and
// then lists that district's items, without JavaScript: choosing the
// district is a button that shows the page again.

// maxDirectoryOptions is the most items one select lists.
const maxDirectoryOptions = 30

// directory reads a directory for a page; a directory that cannot be read
// leaves an empty select (the field's check says the value is unknown)
// rather than failing the page.
func (s *Server) directory(fc *applyFormCtx, code string) (catalog.Directory, bool) {
	if fc.cat == nil {
		return catalog.Directory{}, false
	}
	d, err := fc.cat.Directory(fc.ctx, code)
	if err != nil {
		s.log.Warn("web: apply: directory", "directory", code, "error", err.Error())
		return catalog.Directory{}, false
	}
	return d, true
}

// parentOf is the parent of a directory's value, "" when none.
func (s *Server) parentOf(fc *applyFormCtx, code, value string) string {
	d, _ := s.directory(fc, code)
	for _, it := range d.Items {
		if it.Value == value {
			return it.Parent
		}
	}
	return ""
}

// directoryField fills a select from a directory.
func (s *Server) directoryField(fc *applyFormCtx, f *applyField, code string) {
	choose := Option{Value: "", Label: fc.l.T("web.apply.choose")}
	f.Groups = []OptionGroup{{Options: []Option{choose}}}
	d, ok := s.directory(fc, code)
	if !ok {
		return
	}
	lang := string(fc.l.Lang())
	isParent, titles := map[string]bool{}, map[string]string{}
	for _, it := range d.Items {
		titles[it.Value] = it.Title.In(lang)
		if it.Parent != "" {
			isParent[it.Parent] = true
		}
	}
	var leaves []catalog.DirItem
	for _, it := range d.Items {
		if !isParent[it.Value] {
			leaves = append(leaves, it)
		}
	}
	if len(isParent) > 0 && len(leaves) > maxDirectoryOptions {
		// The parent first; its items once it is chosen.
		parent := fc.parents[f.Name]
		if parent == "" {
			for _, it := range d.Items {
				if it.Value == f.Value {
					parent = it.Parent
				}
			}
		}
		f.ParentLabel = fc.l.T("web.apply.parent_label", titleOr(d.Title.In(lang), f.Label))
		f.ParentValue, f.ParentAction = parent, "parent:"+f.Name
		f.ParentOptions = []Option{choose}
		for _, it := range d.Items {
			if isParent[it.Value] && it.Parent == "" {
				f.ParentOptions = append(f.ParentOptions, Option{Value: it.Value, Label: it.Title.In(lang)})
			}
		}
		f.NoChoices = parent == ""
		for _, it := range leaves {
			if it.Parent == parent && parent != "" {
				f.Groups[0].Options = append(f.Groups[0].Options, Option{Value: it.Value, Label: it.Title.In(lang)})
			}
		}
		return
	}
	byParent := map[string]int{}
	for _, it := range leaves {
		if it.Parent == "" {
			f.Groups[0].Options = append(f.Groups[0].Options, Option{Value: it.Value, Label: it.Title.In(lang)})
			continue
		}
		i, ok := byParent[it.Parent]
		if !ok {
			i = len(f.Groups)
			byParent[it.Parent] = i
			f.Groups = append(f.Groups, OptionGroup{Label: titles[it.Parent]})
		}
		f.Groups[i].Options = append(f.Groups[i].Options, Option{Value: it.Value, Label: it.Title.In(lang)})
	}
}

func titleOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
