package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func headActor(o *office) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: o.headUser, OrgID: o.a.ID, Roles: []okno.Role{okno.RoleSupervisor}}
}

// TestStaffCasePage: the head opens a case — particulars, data, clock,
// timeline, the actions allowed now with their reply templates — takes
// an action with a template's text, and sees the case move on; a wrong
// answer keeps what was typed; another organisation's official gets 404.
func TestStaffCasePage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		o := newOffice(t, db)
		c := o.openAppeal("Яма на дороге")
		page := "/staff/cases/" + id(c)
		head := o.visitor("head")
		head.Get(page).Expect(http.StatusOK, "Яма на дороге", c.Ref, "На модерации", "Сообщение о проблеме",
			"Невский проспект, 1", "entrance", "Срок по закону: 30 календарных дней", "01.04.2026",
			"Срок этапа: 1 рабочий день", "<progress", "Дело зарегистрировано", "Иван",
			"Принять в работу", "Отклонить", "Нецензурная лексика", `data-body="Сообщение содержит нецензурные`,
			"Специалист", "Внутренняя заметка")

		// Rejecting needs a reason: the comment typed stays.
		head.Post(page+"/actions", "action", "reject", "version", strconv.FormatInt(c.Version, 10), "comment", "Текст жалобы неприемлем")
		head.Expect(http.StatusUnprocessableEntity, "Есть ошибки", `href="#act-reject-reason"`, "Текст жалобы неприемлем", "<details class=\"details case-action\" open>")

		// A stale version: the page shows the case as it is now, and the text.
		head.Post(page+"/actions", "action", "publish", "version", strconv.FormatInt(c.Version-1, 10))
		head.Expect(http.StatusConflict, "Дело изменилось, пока вы работали")

		head.Get(page)
		head.Post(page+"/actions", "action", "publish", "version", strconv.FormatInt(c.Version, 10))
		head.Expect(http.StatusOK, "Действие выполнено", "На рассмотрении", "«На модерации» → «На рассмотрении»", "Ответить")
		got, err := o.cases.Get(context.Background(), headActor(o), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != "review" {
			t.Fatalf("after publishing the case is %q", got.State)
		}

		// An empty comment with a template chosen answers with the template.
		head.Post(page+"/actions", "action", "answer", "version", strconv.FormatInt(got.Version, 10), "reply", "2", "comment", "")
		head.Expect(http.StatusOK, "Действие выполнено", "Дан ответ", "Территория убрана. Спасибо за сообщение!", "Соблюдён")

		// The case moved on: an answer to an action no longer offered is kept.
		head.Post(page+"/actions", "action", "interim_answer", "version", strconv.FormatInt(got.Version, 10), "comment", "Мой длинный ответ")
		head.Expect(http.StatusConflict, "Дело изменилось, пока вы работали", "Это действие больше недоступно", "Мой длинный ответ")

		other := o.visitor("other")
		other.Get(page).Expect(http.StatusNotFound)
		other.Get("/staff/cases?view=org")
		other.Post(page+"/notes", "version", "1", "text", "чужая заметка")
		other.Expect(http.StatusNotFound)
		o.visitor("citizen").Get(page).Expect(http.StatusForbidden)
		head.Get("/staff/cases/nonsense").Expect(http.StatusNotFound)
	})
}

// TestStaffCaseForms: a note, a document with its preview, taking a case
// and assigning it, each back on the page with a flash; errors keep the
// answers.
func TestStaffCaseForms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		o := newOffice(t, db)
		c := o.openAppeal("Яма на дороге")
		c = o.act("head", c, "publish", "")
		page := "/staff/cases/" + id(c)
		version := func() string {
			got, err := o.cases.Get(context.Background(), headActor(o), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(got.Version, 10)
		}

		spec := o.visitor("spec")
		spec.Get(page).Expect(http.StatusOK, "Взять в работу", "Запросить уточнения", "Уточнить адрес")
		spec.Post(page+"/notes", "version", version(), "text", "")
		spec.Expect(http.StatusUnprocessableEntity, `href="#note-text"`)
		spec.Post(page+"/notes", "version", version(), "text", "Позвонить в управляющую компанию")
		spec.Expect(http.StatusOK, "Заметка сохранена", "Позвонить в управляющую компанию", "внутренняя заметка")

		spec.Post(page+"/assign", "version", version(), "target", "u:"+strconv.FormatInt(o.specUser, 10)+":"+strconv.FormatInt(o.spec.ID, 10))
		spec.Expect(http.StatusOK, "Дело назначено", "Анна Смирнова")
		if strings.Contains(spec.Last, "Взять в работу") {
			t.Error("a case taken is offered to take again")
		}

		var img bytes.Buffer
		pic := image.NewRGBA(image.Rect(0, 0, 40, 30))
		pic.Set(1, 1, color.RGBA{200, 10, 10, 255})
		if err := png.Encode(&img, pic); err != nil {
			t.Fatal(err)
		}
		spec.PostFile(page+"/documents", "documents", "фото ямы.png", img.Bytes(), "version", version(), "kind", "photo_after")
		spec.Expect(http.StatusOK, "Документ добавлен", "фото ямы.png", "Фото после работ", "?preview=1")
		doc := between(spec.Last, `class="case-docs__link" href="`, `"`)
		status, header, body := o.get("spec", doc)
		if status != http.StatusOK || header.Get("Content-Type") != "image/png" || !bytes.Equal(body, img.Bytes()) {
			t.Errorf("download: %d %s, %d bytes", status, header.Get("Content-Type"), len(body))
		}
		status, header, _ = o.get("spec", doc+"?preview=1")
		if status != http.StatusOK || header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("preview: %d %s", status, header.Get("Content-Type"))
		}
		if status, _, _ := o.get("other", doc); status != http.StatusNotFound {
			t.Errorf("another organisation's official downloads the document: %d", status)
		}

		spec.Get(page)
		spec.PostFile(page+"/documents", "documents", "вирус.exe", []byte("MZ\x90\x00 not a picture"), "version", version())
		spec.Expect(http.StatusUnprocessableEntity, "Есть ошибки", `href="#attach-file"`)
	})
}
