package demo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// Appeals is what LoadCases needs of the feedback platform;
// *appeal.Service implements it.
type Appeals interface {
	Submit(ctx context.Context, actor okno.Actor, in appeal.Submission) (appeal.Appeal, error)
}

// demoAppeal is one appeal of the demo: who files it (a demo citizen, or
// a caller the district administration's operator registers), where, under
// which reason, and the actions that bring it to where the demo shows it.
type demoAppeal struct {
	key      string // idempotency key: a repeated load finds the appeal
	author   string // display name of a demo citizen; "" for a caller
	caller   int    // index into demoCallers when author is ""
	district string // code of the district the point lies in
	// dLat, dLon move the point from the district's centre (districts()):
	// a few hundred metres, well inside the district's demo cell.
	dLat, dLon float64
	reason     string // a reason code of appeal/taxonomy.json
	address    string
	text       string
	steps      []demoStep
}

// Demo steps of appeals: "moderator" is the operator of the district
// administration (operators may publish any appeal), "official" the
// official of the organisation the appeal was routed to, "applicant" its
// author.
func publish() demoStep { return demoStep{by: "moderator", action: "publish"} }
func answer(comment string) demoStep {
	return demoStep{by: "official", action: "answer", comment: comment}
}
func interim(comment string) demoStep {
	return demoStep{by: "official", action: "interim_answer", comment: comment}
}
func requestInfo(comment string) demoStep {
	return demoStep{by: "official", action: "request_info", comment: comment}
}
func notFixed(reason, comment string) demoStep {
	return demoStep{by: "official", action: "close_not_fixed", comment: comment, fields: map[string]string{"reason": reason}}
}
func confirm(comment string) demoStep {
	return demoStep{by: "applicant", action: "confirm", comment: comment}
}

// demoCallers are people without an account who phoned a district
// administration; the operator registers their appeals. Made up: the
// numbers are in a range no operator assigns to anyone in the demo city.
var demoCallers = []appeal.Contact{
	{FirstName: "Галина", LastName: "Орлова", Phone: "+7 900 000-01-01"},
	{FirstName: "Виктор", LastName: "Лебедев", Phone: "+7 900 000-01-02"},
	{FirstName: "Нина", LastName: "Фёдорова", Phone: "+7 900 000-01-03"},
	{FirstName: "Олег", LastName: "Никитин", Phone: "+7 900 000-01-04"},
	{FirstName: "Людмила", LastName: "Павлова", Phone: "+7 900 000-01-05"},
	{FirstName: "Игорь", LastName: "Захаров", Phone: "+7 900 000-01-06"},
	{FirstName: "Татьяна", LastName: "Белова", Phone: "+7 900 000-01-07"},
	{FirstName: "Андрей", LastName: "Ковалёв", Phone: "+7 900 000-01-08"},
	{FirstName: "Елена", LastName: "Григорьева", Phone: "+7 900 000-01-09"},
	{FirstName: "Михаил", LastName: "Степанов", Phone: "+7 900 000-01-10"},
	{FirstName: "Ольга", LastName: "Тихонова", Phone: "+7 900 000-01-11"},
	{FirstName: "Юрий", LastName: "Алексеев", Phone: "+7 900 000-01-12"},
}

// Demo citizens who file appeals (demoCitizens' display names).
const (
	anna  = "Анна Иванова"
	petr  = "Пётр Петров"
	maria = "Мария Смирнова"
)

// demoAppeals are the appeals the public map, the public pages, Open311,
// responsiveness and analytics show after a demo start: the first five in
// the showcase district, handled by the Central district administration
// whose staff Accounts lists, and the rest over all 18 districts and
// several categories, at every stage an appeal reaches without time
// passing. Each demo citizen files at most seven, so that someone trying
// the demo as one of them can still file their own within the hour
// (appeal.Limits.PerHour); the rest come by telephone.
func demoAppeals() []demoAppeal {
	return []demoAppeal{
		// The showcase: the Central district administration's queue.
		{key: "demo-appeal-1", author: anna, district: "tsentralny", dLat: -0.0035, dLon: -0.003,
			reason: "blag-asphalt-yard", address: "ул. Марата, 25, двор",
			text: "Во дворе у въезда глубокая яма в асфальте. После дождя её не видно, машины бьют колёса, пешеходы оступаются."},
		{key: "demo-appeal-2", author: anna, district: "tsentralny", dLat: 0.002, dLon: -0.006,
			reason: "blag-snow-park", address: "сквер на ул. Некрасова",
			text:  "Дорожки в сквере не чистят от снега третий день, пройти можно только по сугробам.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-3", author: anna, district: "tsentralny", dLat: 0.004, dLon: 0.008,
			reason: "blag-tree-fallen", address: "Суворовский проспект, 40, сквер",
			text: "После ветра в сквере упало дерево и перегородило дорожку, обходить приходится по газону.",
			steps: []demoStep{publish(),
				answer("Дерево распилено и вывезено, дорожка освобождена. Просим подтвердить.")}},
		{key: "demo-appeal-4", author: maria, district: "tsentralny", dLat: -0.001, dLon: 0.004,
			reason: "blag-park-furniture", address: "двор у дома 7",
			text: "На детской площадке сломаны качели, у сиденья торчат острые края металла.",
			steps: []demoStep{publish(),
				requestInfo("Уточните, пожалуйста, полный адрес дома: на какой улице находится площадка?")}},
		{key: "demo-appeal-5", author: petr, district: "tsentralny", dLat: -0.006, dLon: 0.002,
			reason: "blag-litter-park", address: "Лиговский проспект, 50, сквер",
			text: "В сквере у остановки скопились пакеты с мусором и битое стекло.",
			steps: []demoStep{publish(),
				answer("Территория сквера убрана, мусор вывезен."),
				confirm("Спасибо, убрали.")}},
		{key: "demo-appeal-6", author: petr, district: "tsentralny", dLat: 0.0015, dLon: -0.001,
			reason: "blag-abandoned-car", address: "ул. Жуковского, 18",
			text:  "Во дворе больше года стоит брошенная машина без колёс и стёкол, в ней копится мусор.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-7", caller: 0, district: "tsentralny", dLat: 0.005, dLon: 0.001,
			reason: "blag-maf", address: "ул. Восстания, 32, двор",
			text: "Во дворе сломана скамейка у клумбы, доска провалилась, сидеть невозможно."},
		{key: "demo-appeal-8", author: maria, district: "tsentralny", dLat: -0.002, dLon: -0.008,
			reason: "facade-address-sign", address: "ул. Рубинштейна, 9",
			text: "На доме нет таблички с номером, курьеры и скорая не могут найти вход.",
			steps: []demoStep{publish(),
				answer("Адресная табличка установлена на фасаде у входа."),
				confirm("")}},
		{key: "demo-appeal-9", caller: 1, district: "tsentralny", dLat: 0.006, dLon: -0.004,
			reason: "blag-road-pothole", address: "Литейный проспект, 45",
			text:  "На проезжей части у пешеходного перехода выбоина, машины резко тормозят перед ней.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-10", author: anna, district: "tsentralny", dLat: -0.004, dLon: 0.006,
			reason: "mkd-entrance-light", address: "ул. Достоевского, 14",
			text: "В парадной не горит свет с первого по четвёртый этаж, вечером подниматься страшно.",
			steps: []demoStep{publish(),
				answer("Заменены лампы и неисправный выключатель, освещение в парадной восстановлено.")}},

		// Адмиралтейский район.
		{key: "demo-appeal-11", caller: 2, district: "admiralteysky", dLat: 0.003, dLon: 0.004,
			reason: "roof-icicles", address: "наб. канала Грибоедова, 120",
			text:  "С крыши над тротуаром свисают большие сосульки, люди ходят прямо под ними.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-12", author: petr, district: "admiralteysky", dLat: -0.002, dLon: -0.005,
			reason: "heating-cold-stairs", address: "Садовая ул., 85",
			text: "На лестнице очень холодно, батарея на площадке третьего этажа ледяная.",
			steps: []demoStep{publish(),
				answer("Из стояка спущен воздух, радиатор на лестничной площадке прогревается."),
				confirm("Стало тепло, спасибо.")}},

		// Василеостровский район.
		{key: "demo-appeal-13", author: maria, district: "vasileostrovsky", dLat: 0.002, dLon: 0.005,
			reason: "blag-graffiti-wall", address: "6-я линия В.О., 25",
			text: "Стену дома у парадной изрисовали краской из баллончика, надписи на уровне первого этажа.",
			steps: []demoStep{publish(),
				answer("Надписи закрашены в цвет фасада.")}},
		{key: "demo-appeal-14", caller: 3, district: "vasileostrovsky", dLat: -0.003, dLon: -0.004,
			reason: "street-trade-illegal", address: "Средний проспект В.О., у метро «Василеостровская»",
			text:  "У выхода из метро торгуют овощами с ящиков прямо на тротуаре, проход сужен вдвое.",
			steps: []demoStep{publish()}},

		// Выборгский район.
		{key: "demo-appeal-15", caller: 4, district: "vyborgsky", dLat: 0.004, dLon: -0.003,
			reason: "blag-road-pothole", address: "пр. Энгельса, 120",
			text: "В правом ряду провал асфальта, яма глубиной с ладонь, в ней стоит вода.",
			steps: []demoStep{publish(),
				interim("Яма засыпана щебнем; ремонт покрытия участка включён в план работ на весну.")}},
		{key: "demo-appeal-16", caller: 5, district: "vyborgsky", dLat: -0.003, dLon: 0.006,
			reason: "water-no-hot", address: "ул. Есенина, 8",
			text: "Вторую неделю нет горячей воды во всём доме, объявлений о ремонте не было.",
			steps: []demoStep{publish(),
				answer("Горячая вода подана после ремонта задвижки в тепловом пункте дома.")}},

		// Калининский район.
		{key: "demo-appeal-17", author: petr, district: "kalininsky", dLat: 0.002, dLon: -0.004,
			reason: "mkd-lift", address: "Гражданский проспект, 41",
			text:  "Лифт в третьей парадной стоит уже неделю, на двери объявление без сроков ремонта.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-18", caller: 6, district: "kalininsky", dLat: -0.004, dLon: 0.003,
			reason: "blag-litter-yard", address: "ул. Бутлерова, 14, двор",
			text: "Во дворе за гаражами свалка: старая мебель, мешки, ветки. Лежит с осени."},

		// Кировский район.
		{key: "demo-appeal-19", caller: 7, district: "kirovsky", dLat: 0.003, dLon: 0.004,
			reason: "blag-traffic-light", address: "пр. Стачек, 67, перекрёсток",
			text: "На перекрёстке не работает пешеходный светофор, горит только жёлтый мигающий.",
			steps: []demoStep{publish(),
				answer("Контроллер светофорного объекта заменён, светофор работает в штатном режиме.")}},
		{key: "demo-appeal-20", author: maria, district: "kirovsky", dLat: -0.003, dLon: -0.004,
			reason: "blag-playground-bad", address: "ул. Зины Портновой, 20, двор",
			text: "На детской площадке вместо покрытия голая земля, после дождя сплошная грязь.",
			steps: []demoStep{publish(),
				notFixed("planned_works", "Устройство покрытия площадки включено в адресную программу благоустройства на следующий год.")}},

		// Колпинский район.
		{key: "demo-appeal-21", caller: 8, district: "kolpinsky", dLat: 0.002, dLon: -0.005,
			reason: "blag-light-street", address: "Колпино, ул. Труда, 10",
			text:  "Вдоль улицы не горят три фонаря подряд, на остановке вечером темно.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-22", caller: 9, district: "kolpinsky", dLat: -0.003, dLon: 0.004,
			reason: "sewerage-blocked", address: "Колпино, пр. Ленина, 55",
			text: "В подвале дома течёт канализация, запах стоит во всей парадной.",
			steps: []demoStep{publish(),
				answer("Засор устранён, труба в подвале заменена, подвал продезинфицирован.")}},

		// Красногвардейский район.
		{key: "demo-appeal-23", author: anna, district: "krasnogvardeysky", dLat: -0.002, dLon: -0.004,
			reason: "blag-snow-ice", address: "Заневский проспект, 30, двор",
			text: "Двор и дорожка к парадной покрыты льдом, посыпать нечем, люди падают."},
		{key: "demo-appeal-24", caller: 10, district: "krasnogvardeysky", dLat: 0.003, dLon: 0.003,
			reason: "ads-illegal-placement", address: "Среднеохтинский проспект, 40",
			text:  "На фасаде жилого дома без разрешения повесили большой рекламный баннер.",
			steps: []demoStep{publish()}},

		// Красносельский район.
		{key: "demo-appeal-25", caller: 11, district: "krasnoselsky", dLat: 0.003, dLon: -0.004,
			reason: "blag-tree-threat", address: "Красное Село, пр. Ленина, 85",
			text: "Старый тополь у дороги сильно наклонился, ствол треснул, может упасть на провода.",
			steps: []demoStep{publish(),
				answer("Аварийное дерево обследовано и снесено, порубочные остатки вывезены.")}},
		{key: "demo-appeal-26", author: petr, district: "krasnoselsky", dLat: -0.002, dLon: 0.005,
			reason: "blag-bins-full", address: "Красное Село, ул. Освобождения, 15",
			text: "Урны у парадных переполнены, мусор разносит ветер по двору.",
			steps: []demoStep{publish(),
				answer("Урны очищены, вывоз включён в ежедневный график уборки."),
				confirm("Теперь чисто, спасибо.")}},

		// Кронштадтский район.
		{key: "demo-appeal-27", caller: 0, district: "kronshtadtsky", dLat: 0.002, dLon: 0.003,
			reason: "facade-paint", address: "Кронштадт, ул. Ленина, 20",
			text: "Краска на фасаде дома облупилась пятнами, штукатурка местами осыпается.",
			steps: []demoStep{publish(),
				notFixed("planned_works", "Ремонт фасада дома включён в план капитального ремонта. До его начала осыпающиеся участки будут обследованы.")}},
		{key: "demo-appeal-28", author: maria, district: "kronshtadtsky", dLat: -0.002, dLon: -0.004,
			reason: "blag-park-furniture", address: "Кронштадт, Петровский парк",
			text: "В парке у пруда разбиты две скамейки и сломана урна.",
			steps: []demoStep{publish(),
				answer("Скамейки отремонтированы, урна заменена.")}},

		// Курортный район.
		{key: "demo-appeal-29", caller: 1, district: "kurortny", dLat: -0.003, dLon: 0.004,
			reason: "blag-litter-heap", address: "Сестрорецк, Приморское шоссе, у пляжа",
			text: "На съезде к пляжу скопилась куча мусора: бутылки, пакеты, старые шины."},
		{key: "demo-appeal-30", author: anna, district: "kurortny", dLat: 0.002, dLon: -0.005,
			reason: "blag-stop-sign", address: "Зеленогорск, Приморское шоссе, остановка «Пляж»",
			text:  "На остановке сорван указатель с номерами автобусов, непонятно, какие маршруты здесь ходят.",
			steps: []demoStep{publish()}},

		// Московский район.
		{key: "demo-appeal-31", caller: 2, district: "moskovsky", dLat: 0.003, dLon: -0.003,
			reason: "water-leak", address: "ул. Победы, 6",
			text: "На лестничной площадке пятого этажа течёт труба, вода уже на ступеньках.",
			steps: []demoStep{publish(),
				answer("Протечка устранена, участок трубы заменён.")}},
		{key: "demo-appeal-32", author: petr, district: "moskovsky", dLat: -0.003, dLon: 0.004,
			reason: "blag-pavement-damage", address: "Московский проспект, 190",
			text: "Тротуар у аптеки провалился, плитка вздыбилась, коляску не провезти.",
			steps: []demoStep{publish(),
				answer("Покрытие тротуара на участке восстановлено."),
				confirm("")}},

		// Невский район.
		{key: "demo-appeal-33", caller: 3, district: "nevsky", dLat: 0.002, dLon: 0.005,
			reason: "heating-cold-flat", address: "пр. Большевиков, 9",
			text: "В квартирах по стояку батареи чуть тёплые, дома плюс семнадцать.",
			steps: []demoStep{publish(),
				interim("Проведена промывка стояка; замеры температуры в квартирах будут сделаны на этой неделе.")}},
		{key: "demo-appeal-34", author: maria, district: "nevsky", dLat: -0.003, dLon: -0.004,
			reason: "blag-speed-bumps", address: "ул. Подвойского, 24, проезд у школы",
			text: "По проезду у школы машины носятся на большой скорости, нужен лежачий полицейский.",
			steps: []demoStep{publish(),
				notFixed("other", "Проезд не относится к территории, где район устанавливает искусственные неровности; обращение передано для рассмотрения собственнику.")}},

		// Петроградский район.
		{key: "demo-appeal-35", caller: 4, district: "petrogradsky", dLat: -0.002, dLon: 0.004,
			reason: "roof-leak", address: "Большой проспект П.С., 70",
			text:  "Во время дождя протекает крыша, на потолке квартиры верхнего этажа мокрое пятно.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-36", author: anna, district: "petrogradsky", dLat: 0.003, dLon: -0.004,
			reason: "blag-greenery-untidy", address: "Каменноостровский проспект, 30, сквер",
			text: "Кусты в сквере разрослись на дорожку, ветки цепляют прохожих за одежду.",
			steps: []demoStep{publish(),
				answer("Проведена обрезка кустарника вдоль дорожек сквера.")}},

		// Петродворцовый район.
		{key: "demo-appeal-37", caller: 5, district: "petrodvortsovy", dLat: 0.002, dLon: 0.005,
			reason: "blag-snow-road", address: "Петергоф, Санкт-Петербургский проспект, 40",
			text: "Тротуар вдоль проспекта не чищен, у перехода сугроб по колено.",
			steps: []demoStep{publish(),
				answer("Тротуар и подходы к переходу очищены от снега.")}},
		{key: "demo-appeal-38", author: petr, district: "petrodvortsovy", dLat: -0.003, dLon: -0.003,
			reason: "street-infra-manhole-open", address: "Петергоф, ул. Разводная, 15",
			text: "На тротуаре открытый люк, крышка лежит рядом. Вечером легко не заметить.",
			steps: []demoStep{publish(),
				answer("Крышка люка установлена на место и закреплена."),
				confirm("Спасибо за быструю реакцию.")}},

		// Приморский район.
		{key: "demo-appeal-39", caller: 6, district: "primorsky", dLat: 0.003, dLon: 0.003,
			reason: "sanitary-rats", address: "Комендантский проспект, 12",
			text:  "В подвале и у мусоропровода завелись крысы, жильцы видят их днём.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-40", author: maria, district: "primorsky", dLat: -0.002, dLon: -0.005,
			reason: "mkd-intercom", address: "ул. Савушкина, 105",
			text: "Домофон в парадной не открывает дверь ни ключом, ни из квартиры.",
			steps: []demoStep{publish(),
				answer("Блок управления домофоном отремонтирован."),
				confirm("Работает.")}},

		// Пушкинский район.
		{key: "demo-appeal-41", caller: 7, district: "pushkinsky", dLat: 0.004, dLon: -0.002,
			reason: "blag-litter-park", address: "Пушкин, сквер на Октябрьском бульваре",
			text: "В сквере у детской площадки разбросан мусор, урны переполнены.",
			steps: []demoStep{publish(),
				answer("Сквер убран, урны очищены.")}},
		{key: "demo-appeal-42", caller: 8, district: "pushkinsky", dLat: -0.003, dLon: 0.004,
			reason: "basement-openings", address: "Пушкин, Октябрьский бульвар, 30",
			text: "Окна подвала открыты настежь, оттуда дует и заходят кошки, трубы могут замёрзнуть."},

		// Фрунзенский район.
		{key: "demo-appeal-43", caller: 9, district: "frunzensky", dLat: 0.002, dLon: -0.005,
			reason: "blag-tree-fallen", address: "Бухарестская ул., 50, двор",
			text:  "Во дворе ветром повалило берёзу, она лежит поперёк проезда к парадным.",
			steps: []demoStep{publish()}},
		{key: "demo-appeal-44", caller: 10, district: "frunzensky", dLat: -0.003, dLon: 0.003,
			reason: "water-cold-pressure", address: "Будапештская ул., 40",
			text: "На верхних этажах почти нет напора холодной воды, стиральная машина не набирает воду.",
			steps: []demoStep{publish(),
				answer("Отрегулирован насос повышения давления, напор восстановлен.")}},
		{key: "demo-appeal-45", caller: 11, district: "frunzensky", dLat: 0.004, dLon: 0.005,
			reason: "mkd-cleaning", address: "Загребский бульвар, 15",
			text:  "Парадную не моют уже месяц, график уборки на стенде не соблюдается.",
			steps: []demoStep{publish()}},
	}
}

// appealLoader files the demo appeals, remembering the organisations and
// staff it has looked up.
type appealLoader struct {
	db      *sqldb.DB
	cases   Cases
	appeals Appeals
	centres map[string]district
	orgs    map[string]int64 // organisation code → id
	staff   map[string]okno.Actor
	users   map[string]okno.Actor // citizen display name → actor
}

// loadAppeals files the demo appeals through the feedback platform and
// takes their actions. An appeal filed before (its idempotency key) is
// left as it is.
func loadAppeals(ctx context.Context, db *sqldb.DB, cases Cases, appeals Appeals) error {
	l := &appealLoader{db: db, cases: cases, appeals: appeals, centres: map[string]district{},
		orgs: map[string]int64{}, staff: map[string]okno.Actor{}, users: map[string]okno.Actor{}}
	for _, d := range districts() {
		l.centres[d.Code] = d
	}
	for _, da := range demoAppeals() {
		if err := l.load(ctx, da); err != nil {
			return fmt.Errorf("demo appeal %s: %w", da.key, err)
		}
	}
	return nil
}

func (l *appealLoader) load(ctx context.Context, da demoAppeal) error {
	d, ok := l.centres[da.district]
	if !ok {
		return fmt.Errorf("no district %s", da.district)
	}
	in := appeal.Submission{ReasonCode: da.reason, Text: da.text, HasPoint: true,
		Lat: d.Lat + da.dLat, Lon: d.Lon + da.dLon, Address: da.address, IdempotencyKey: da.key}
	var author okno.Actor
	var err error
	if da.author != "" {
		if author, err = l.citizen(ctx, da.author); err != nil {
			return err
		}
	} else {
		// A caller phoned the district administration; its operator
		// registers the appeal.
		if author, err = l.staffOf(ctx, "spb.admin."+da.district, okno.RoleOperator); err != nil {
			return err
		}
		in.Contact = demoCallers[da.caller]
	}
	a, err := l.appeals.Submit(ctx, author, in)
	if err != nil {
		return err
	}
	if a.State != "moderation" || len(da.steps) == 0 {
		return nil // filed before, and its steps taken
	}
	version := a.Version
	for _, st := range da.steps {
		var actor okno.Actor
		switch st.by {
		case "applicant":
			actor = author
		case "moderator":
			actor, err = l.staffOf(ctx, "spb.admin."+da.district, okno.RoleOperator)
		default:
			actor, err = l.staffIn(ctx, a.OrgID, okno.Role(st.by))
		}
		if err != nil {
			return err
		}
		c, err := l.cases.Act(ctx, actor, casework.ActionInput{CaseID: a.CaseID, Version: version, Action: st.action, Comment: st.comment, Fields: st.fields})
		if err != nil {
			return fmt.Errorf("%s: %w", st.action, err)
		}
		version = c.Version
	}
	return nil
}

// citizen is the demo citizen with the display name (unique among demo
// citizens; display names are not sealed).
func (l *appealLoader) citizen(ctx context.Context, name string) (okno.Actor, error) {
	if a, ok := l.users[name]; ok {
		return a, nil
	}
	var id int64
	if err := l.db.QueryRowContext(ctx, `SELECT id FROM users WHERE kind = 'citizen' AND display_name = ?`, name).Scan(&id); err != nil {
		return okno.Actor{}, fmt.Errorf("citizen %s: %w", name, err)
	}
	a := okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: name}
	l.users[name] = a
	return a, nil
}

// staffOf is the demo staff member holding role in the organisation with
// the code.
func (l *appealLoader) staffOf(ctx context.Context, code string, role okno.Role) (okno.Actor, error) {
	id, ok := l.orgs[code]
	if !ok {
		if err := l.db.QueryRowContext(ctx, `SELECT id FROM organisations WHERE code = ?`, code).Scan(&id); err != nil {
			return okno.Actor{}, fmt.Errorf("organisation %s: %w", code, err)
		}
		l.orgs[code] = id
	}
	return l.staffIn(ctx, id, role)
}

// staffIn is the demo staff member holding role in organisation orgID.
func (l *appealLoader) staffIn(ctx context.Context, orgID int64, role okno.Role) (okno.Actor, error) {
	k := strconv.FormatInt(orgID, 10) + "/" + string(role)
	if a, ok := l.staff[k]; ok {
		return a, nil
	}
	a, err := staffActor(ctx, l.db, orgID, string(role))
	if err != nil {
		return okno.Actor{}, err
	}
	l.staff[k] = a
	return a, nil
}
