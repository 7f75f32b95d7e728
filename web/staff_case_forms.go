package web

import (
	"net/url"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/process"
)

// This file builds the forms of the back office's case pages: the
// inputs, their answers after a failed submission, and where an error's
// messages go.

// staffFormState is a small form of the case page: its fields in order.
type staffFormState struct {
	Fields []Field
	Open   bool // it came back with errors: show it unfolded
}

// staffErrors puts err's messages on the fields it names (by the engine's
// field names in fields) and returns the error summary: the fields'
// messages linked to them, or err's own message when it names none.
func staffErrors(l i18n.Localizer, err error, fields map[string]*Field) []FieldMessage {
	if err == nil {
		return nil
	}
	msg, msgs := l.Error(err)
	var out []FieldMessage
	for _, fe := range okno.AsError(err).Fields {
		m := msgs[fe.Field]
		if f, ok := fields[fe.Field]; ok && f != nil {
			if f.Error == "" {
				f.Error = m
			}
			out = append(out, FieldMessage{ID: f.ID(), Message: m})
			continue
		}
		out = append(out, FieldMessage{Message: m})
	}
	if len(out) == 0 {
		out = []FieldMessage{{Message: msg}}
	}
	return out
}

// staffActions builds the forms of the actions allowed now. When fail is
// an action's, its form gets the answers and errors back and the error
// summary is returned; if that action is no longer offered (the case
// moved on), its comment is returned so that the text is not lost.
func staffActions(l i18n.Localizer, def *process.Definition, allowed []casework.AllowedAction, fail *staffFailure) ([]staffAction, []FieldMessage, string) {
	lang := string(l.Lang())
	var out []staffAction
	var errs []FieldMessage
	found := false
	for _, aa := range allowed {
		id := "act-" + aa.Name
		sa := staffAction{Name: aa.Name, FormID: id, Title: titleIn(aa.Title, lang, aa.Name), Target: titleIn(aa.Target.Title, lang, aa.Target.Name),
			Files: Field{HTMLID: id + "-files", Name: "documents", Type: "file", Multiple: true, Label: l.T("web.staffcase.files"), Hint: l.T("web.staffcase.files_hint")}}
		byName := map[string]*Field{"documents": &sa.Files}
		for _, f := range aa.Fields {
			sa.Fields = append(sa.Fields, actionField(l, id, f))
		}
		for i := range sa.Fields {
			byName[aa.Fields[i].Name] = &sa.Fields[i]
		}
		if aa.CommentRule() != process.CommentNone {
			sa.Comment = &Field{HTMLID: id + "-comment", Name: "comment", Type: "textarea", Label: l.T("web.staffcase.comment_optional"),
				Required: aa.CommentRule() == process.CommentRequired, Hint: l.T("web.staffcase.comment_internal")}
			if sa.Comment.Required {
				sa.Comment.Label = l.T("web.staffcase.comment")
			}
			if aa.CitizenVisible {
				sa.Comment.Hint = l.T("web.staffcase.comment_citizen")
			}
			byName["comment"] = sa.Comment
		}
		for i, rp := range aa.Replies {
			sa.Replies = append(sa.Replies, staffReply{Value: strconv.Itoa(i + 1), Title: titleIn(rp.Title, lang, strconv.Itoa(i+1)), Body: rp.Body.In(lang)})
		}
		if len(sa.Replies) > 0 {
			sa.Reply = &Field{HTMLID: id + "-reply", Name: "reply", Type: "select", Label: l.T("web.staffcase.reply"), Hint: l.T("web.staffcase.reply_hint")}
		}
		for _, kind := range aa.Documents {
			title := kind
			if k, ok := def.Document(kind); ok {
				title = titleIn(k.Title, lang, kind)
			}
			sa.Docs = append(sa.Docs, Field{HTMLID: id + "-doc-" + kind, Name: docsPrefix + kind, Type: "file", Label: title, Required: true})
		}
		if len(sa.Docs) > 0 {
			byName["documents"] = &sa.Docs[0]
		}
		if fail != nil && fail.form == "action" && fail.action == aa.Name {
			found, sa.Open = true, true
			fillValues(fail.values, sa.Fields, sa.Comment, sa.Reply)
			errs = staffErrors(l, fail.err, byName)
		}
		out = append(out, sa)
	}
	lost := ""
	if fail != nil && fail.form == "action" && !found {
		errs = staffErrors(l, fail.err, nil)
		lost = fail.values.Get("comment")
	}
	return out, errs, lost
}

// actionField is the input of one of an action's fields, named
// "fields.<name>" so that no field can take the name of the form's own.
func actionField(l i18n.Localizer, formID string, f process.Field) Field {
	lang := string(l.Lang())
	sf := Field{HTMLID: formID + "-" + f.Name, Name: "fields." + f.Name, Label: titleIn(f.Title, lang, f.Name), Required: f.Required, Type: "textarea"}
	switch f.Type {
	case process.FieldText:
		if f.Max > 0 && f.Max <= 200 {
			sf.Type = "text"
		}
	case process.FieldNumber:
		sf.Type = "number"
	case process.FieldDate:
		sf.Type = "date"
	case process.FieldBool:
		sf.Type = "radios"
		sf.Options = []Option{{Value: "true", Label: l.T("web.staffcase.yes")}, {Value: "false", Label: l.T("web.staffcase.no")}}
	case process.FieldChoice:
		opts := make([]Option, 0, len(f.Options))
		for _, o := range f.Options {
			opts = append(opts, Option{Value: o.Value, Label: titleIn(o.Title, lang, o.Value)})
		}
		sf.Type, sf.Options = "radios", opts
		if len(opts) > 5 {
			sf.Type, sf.Options = "select", nil
			sf.Groups = []OptionGroup{{Options: append([]Option{{Value: "", Label: l.T("web.staffcase.choose")}}, opts...)}}
		}
	}
	if !f.Required {
		sf.Label = l.T("web.staffcase.optional", sf.Label)
	}
	return sf
}

// fillValues puts the answers of a failed form back into its inputs.
func fillValues(values url.Values, fields []Field, more ...*Field) {
	for i := range fields {
		fields[i].Value = values.Get(fields[i].Name)
	}
	for _, f := range more {
		if f != nil {
			f.Value = values.Get(f.Name)
		}
	}
}

// staffSmallForms builds the assign, note and attach forms, with a failed
// one's answers and errors, and returns that one's error summary.
func staffSmallForms(l i18n.Localizer, data *staffCasePage, targets []OptionGroup, def *process.Definition, fail *staffFailure) []FieldMessage {
	lang := string(l.Lang())
	data.Assign.Fields = []Field{
		{HTMLID: "assign-target", Name: "target", Type: "select", Label: l.T("web.staffcase.assign_to"), Groups: targets},
		{HTMLID: "assign-comment", Name: "comment", Type: "text", Label: l.T("web.staffcase.assign_comment"), Autocomplete: "off"},
	}
	data.Note.Fields = []Field{{HTMLID: "note-text", Name: "text", Type: "textarea", Label: l.T("web.staffcase.note_text"), Hint: l.T("web.staffcase.note_hint")}}
	kinds := []Option{{Value: "", Label: l.T("web.staffcase.attachment")}}
	for _, k := range def.Documents {
		kinds = append(kinds, Option{Value: k.Name, Label: titleIn(k.Title, lang, k.Name)})
	}
	data.Attach.Fields = []Field{
		{HTMLID: "attach-kind", Name: "kind", Type: "select", Label: l.T("web.staffcase.attach_kind"), Groups: []OptionGroup{{Options: kinds}}},
		{HTMLID: "attach-file", Name: docsField, Type: "file", Label: l.T("web.staffcase.attach_file"), Hint: l.T("web.staffcase.files_hint")},
	}
	if fail == nil {
		return nil
	}
	var form *staffFormState
	var byName map[string]*Field
	switch fail.form {
	case "assign":
		form = &data.Assign
		byName = map[string]*Field{"target": &form.Fields[0], "position": &form.Fields[0], "assignee": &form.Fields[0], "org": &form.Fields[0], "comment": &form.Fields[1]}
	case "note":
		form = &data.Note
		byName = map[string]*Field{"text": &form.Fields[0]}
	case "attach":
		form = &data.Attach
		byName = map[string]*Field{"kind": &form.Fields[0], "documents": &form.Fields[1]}
	default:
		return nil
	}
	form.Open = true
	fillValues(fail.values, form.Fields)
	return staffErrors(l, fail.err, byName)
}
