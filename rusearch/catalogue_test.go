package rusearch_test

import (
	"testing"

	"github.com/okno/okno/rusearch"
)

// catalogue is a synthetic catalogue of Saint Petersburg and federal
// services, written for these tests (titles as Gosuslugi words them).
var catalogue = []rusearch.Doc{
	{ID: "birth-allowance", Title: "Назначение единовременного пособия при рождении ребёнка", Keywords: []string{"роды", "новорождённый"}, Fields: []rusearch.Field{{Text: "Выплата одному из родителей в связи с рождением ребёнка", Weight: 1}}},
	{ID: "child-allowance", Title: "Назначение ежемесячного пособия на ребёнка", Keywords: []string{"детские выплаты"}, Fields: []rusearch.Field{{Text: "Ежемесячная выплата семьям с детьми до 17 лет", Weight: 1}}},
	{ID: "maternity-capital", Title: "Выдача сертификата на региональный материнский капитал", Keywords: []string{"семейный капитал"}, Fields: []rusearch.Field{{Text: "Региональный материнский капитал Санкт-Петербурга при рождении третьего ребёнка", Weight: 1}}},
	{ID: "tree-felling", Title: "Выдача разрешения на вырубку зелёных насаждений", Keywords: []string{"порубочный билет", "снос деревьев"}, Fields: []rusearch.Field{{Text: "Разрешение на вырубку, обрезку и пересадку деревьев и кустарников", Weight: 1}}},
	{ID: "foreign-passport", Title: "Оформление заграничного паспорта", Keywords: []string{"загранпаспорт нового образца"}, Fields: []rusearch.Field{{Text: "Паспорт для выезда из Российской Федерации и въезда в Российскую Федерацию", Weight: 1}}},
	{ID: "passport-replace", Title: "Замена паспорта гражданина Российской Федерации", Keywords: []string{"внутренний паспорт", "20 лет", "45 лет"}, Fields: []rusearch.Field{{Text: "Замена паспорта по достижении возраста, при смене фамилии или утрате", Weight: 1}}},
	{ID: "driver-licence", Title: "Замена водительского удостоверения", Keywords: []string{"истёк срок"}, Fields: []rusearch.Field{{Text: "Замена водительского удостоверения в связи с истечением срока действия или утратой", Weight: 1}}},
	{ID: "vehicle-registration", Title: "Регистрация транспортного средства", Keywords: []string{"постановка автомобиля на учёт"}, Fields: []rusearch.Field{{Text: "Регистрация автомобиля в Госавтоинспекции после покупки", Weight: 1}}},
	{ID: "sole-trader", Title: "Государственная регистрация ИП", Keywords: []string{"открыть бизнес"}, Fields: []rusearch.Field{{Text: "Регистрация физического лица в качестве индивидуального предпринимателя", Weight: 1}}},
	{ID: "company-registration", Title: "Государственная регистрация юридического лица", Keywords: []string{"создание организации"}, Fields: []rusearch.Field{{Text: "Регистрация общества с ограниченной ответственностью и других организаций", Weight: 1}}},
	{ID: "trade-stall", Title: "Предоставление права на размещение нестационарного торгового объекта", Keywords: []string{"киоск", "павильон"}, Fields: []rusearch.Field{{Text: "Размещение киоска или павильона для торговли на земле города", Weight: 1}}},
	{ID: "parking-permit", Title: "Выдача разрешения на парковку для жителей", Keywords: []string{"резидентное разрешение", "зона платной парковки"}, Fields: []rusearch.Field{{Text: "Льготная парковка жителей в зоне платной парковки у своего дома", Weight: 1}}},
	{ID: "water-meters", Title: "Передача показаний приборов учёта воды", Keywords: []string{"счётчики горячей и холодной воды"}, Fields: []rusearch.Field{{Text: "Ежемесячная передача показаний счётчиков воды в управляющую организацию", Weight: 1}}},
	{ID: "housing-queue", Title: "Справка о положении в очереди нуждающихся в жилых помещениях", Keywords: []string{"жилищная очередь"}, Fields: []rusearch.Field{{Text: "Сведения о номере в очереди граждан, состоящих на учёте нуждающихся в жилье", Weight: 1}}},
	{ID: "no-criminal-record", Title: "Выдача справки о наличии или отсутствии судимости", Keywords: []string{"для работы с детьми"}, Fields: []rusearch.Field{{Text: "Справка из информационного центра МВД о судимости и уголовном преследовании", Weight: 1}}},
	{ID: "school-enrolment", Title: "Зачисление в общеобразовательную организацию", Keywords: []string{"запись в первый класс", "приём в школу"}, Fields: []rusearch.Field{{Text: "Приём заявлений о зачислении ребёнка в первый класс школы", Weight: 1}}},
	{ID: "kindergarten", Title: "Постановка на учёт для зачисления в детский сад", Keywords: []string{"очередь в детский сад"}, Fields: []rusearch.Field{{Text: "Постановка ребёнка на учёт в дошкольную образовательную организацию", Weight: 1}}},
	{ID: "kindergarten-queue", Title: "Проверка статуса очереди в детский сад", Keywords: []string{"место в очереди"}, Fields: []rusearch.Field{{Text: "Узнать номер ребёнка в очереди в дошкольное учреждение", Weight: 1}}},
	{ID: "fines", Title: "Сведения о штрафах ГИБДД", Keywords: []string{"штрафы за нарушение ПДД"}, Fields: []rusearch.Field{{Text: "Проверка и оплата административных штрафов за нарушение правил дорожного движения", Weight: 1}}},
	{ID: "debt-certificate", Title: "Справка о наличии или отсутствии задолженности по оплате жилья и коммунальных услуг", Keywords: []string{"долг за квартиру"}, Fields: []rusearch.Field{{Text: "Справка об отсутствии задолженности по квартплате", Weight: 1}}},
	{ID: "housing-subsidy", Title: "Предоставление субсидии на оплату жилого помещения и коммунальных услуг", Keywords: []string{"субсидия на ЖКУ"}, Fields: []rusearch.Field{{Text: "Субсидия малоимущим семьям, если расходы на квартплату превышают долю дохода", Weight: 1}}},
	{ID: "residence-registration", Title: "Регистрация по месту жительства", Keywords: []string{"постоянная регистрация"}, Fields: []rusearch.Field{{Text: "Регистрационный учёт граждан по месту жительства в Санкт-Петербурге", Weight: 1}}},
	{ID: "birth-registration", Title: "Государственная регистрация рождения", Keywords: []string{"свидетельство о рождении"}, Fields: []rusearch.Field{{Text: "Регистрация рождения ребёнка в органах ЗАГС и выдача свидетельства о рождении", Weight: 1}}},
	{ID: "marriage", Title: "Государственная регистрация заключения брака", Keywords: []string{"свадьба", "ЗАГС"}, Fields: []rusearch.Field{{Text: "Подача заявления о заключении брака в отдел ЗАГС", Weight: 1}}},
	{ID: "redevelopment", Title: "Согласование переустройства и перепланировки помещения в многоквартирном доме", Keywords: []string{"ремонт квартиры"}, Fields: []rusearch.Field{{Text: "Согласование перепланировки квартиры в межведомственной комиссии", Weight: 1}}},
	{ID: "large-family", Title: "Выдача удостоверения многодетной семьи", Keywords: []string{"трое детей"}, Fields: []rusearch.Field{{Text: "Удостоверение многодетной семьи Санкт-Петербурга для получения льгот", Weight: 1}}},
	{ID: "pension", Title: "Назначение страховой пенсии по старости", Keywords: []string{"выход на пенсию"}, Fields: []rusearch.Field{{Text: "Назначение пенсии по достижении пенсионного возраста", Weight: 1}}},
	{ID: "snils", Title: "Регистрация в системе индивидуального (персонифицированного) учёта", Keywords: []string{"СНИЛС", "страховой номер"}, Fields: []rusearch.Field{{Text: "Получение страхового номера индивидуального лицевого счёта", Weight: 1}}},
	{ID: "excavation", Title: "Выдача ордера на производство земляных работ", Keywords: []string{"раскопки", "ГАТИ"}, Fields: []rusearch.Field{{Text: "Ордер ГАТИ на земляные работы и благоустройство после них", Weight: 1}}},
	{ID: "social-taxi", Title: "Предоставление услуг социального такси", Keywords: []string{"инвалиды", "перевозка"}, Fields: []rusearch.Field{{Text: "Перевозка людей с инвалидностью к социальным объектам", Weight: 1}}},
	{ID: "disability-parking", Title: "Выдача разрешения на парковку для инвалидов", Keywords: []string{"знак инвалид"}, Fields: []rusearch.Field{{Text: "Бесплатная парковка транспортного средства, перевозящего инвалида", Weight: 1}}},
	{ID: "medical-policy", Title: "Оформление полиса обязательного медицинского страхования", Keywords: []string{"медицинская помощь"}, Fields: []rusearch.Field{{Text: "Выдача полиса ОМС для бесплатной медицинской помощи", Weight: 1}}},
}

func mustIndex(tb testing.TB, docs []rusearch.Doc) *rusearch.Index {
	tb.Helper()
	ix, err := rusearch.New(docs, rusearch.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}
