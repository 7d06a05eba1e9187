"""Labels in Kazakh, Russian and English. Region names come from marts.dim_region
(`region_name_kk`, `region_name_ru`, `region_name_en`); everything else is here.

`t(key, lang)` falls back to English, then to the key itself, so a missing translation shows
as English text rather than an error (a test checks that every key has all three languages).
"""

from __future__ import annotations

LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "en"

LABELS: dict[str, dict[str, str]] = {
    # app shell
    "app_title": {
        "en": "Internal migration between Kazakhstan's regions",
        "ru": "Внутренняя миграция между регионами Казахстана",
        "kk": "Қазақстан өңірлері арасындағы ішкі көші-қон",
    },
    "language": {"en": "Language", "ru": "Язык", "kk": "Тіл"},
    "page_overview": {"en": "Overview", "ru": "Обзор", "kk": "Шолу"},
    "page_figures": {
        "en": "Paper figures",
        "ru": "Рисунки статьи",
        "kk": "Мақала суреттері",
    },
    "page_region": {"en": "Region profile", "ru": "Профиль региона", "kk": "Өңір профилі"},
    "page_flows": {"en": "Flows", "ru": "Потоки", "kk": "Ағындар"},
    "page_quality": {
        "en": "Data quality & coverage",
        "ru": "Качество и полнота данных",
        "kk": "Деректер сапасы мен толықтығы",
    },
    "no_build_title": {
        "en": "No published warehouse yet",
        "ru": "Опубликованного хранилища пока нет",
        "kk": "Жарияланған қойма әлі жоқ",
    },
    "no_build_body": {
        "en": "Nothing is published at `{path}`. Run `make refresh` (ingest, build, quality "
        "gates, publish), then reload this page.",
        "ru": "По пути `{path}` ничего не опубликовано. Выполните `make refresh` (загрузка, "
        "сборка, проверки качества, публикация) и обновите страницу.",
        "kk": "`{path}` жолында ештеңе жарияланбаған. `make refresh` командасын орындаңыз "
        "(жүктеу, құрастыру, сапа тексерісі, жариялау), содан кейін бетті жаңартыңыз.",
    },
    "build_unreadable": {
        "en": "The published build cannot be read: {error}. Run `make refresh` or `make rollback`.",
        "ru": "Опубликованную сборку не удаётся прочитать: {error}. Выполните `make refresh` "
        "или `make rollback`.",
        "kk": "Жарияланған құрастыруды оқу мүмкін емес: {error}. `make refresh` немесе "
        "`make rollback` орындаңыз.",
    },
    "contract_gap": {
        "en": "This build does not have everything the app reads: {problems}. Pages that need "
        "it say so.",
        "ru": "В этой сборке нет всего, что читает приложение: {problems}. Страницы, которым "
        "это нужно, сообщат об этом.",
        "kk": "Бұл құрастыруда қосымша оқитын барлық нәрсе жоқ: {problems}. Қажет беттер бұл "
        "туралы хабарлайды.",
    },
    "missing_table": {
        "en": "Not available in this build: {error}.",
        "ru": "Нет в этой сборке: {error}.",
        "kk": "Бұл құрастыруда жоқ: {error}.",
    },
    "build": {"en": "Build", "ru": "Сборка", "kk": "Құрастыру"},
    "built_at": {"en": "built", "ru": "собрана", "kk": "құрастырылды"},
    "warnings": {"en": "Warnings", "ru": "Предупреждения", "kk": "Ескертулер"},
    "attribution": {
        "en": "Boundaries: geokz (A. Rodionov), CC BY 4.0, after OCHA COD-AB",
        "ru": "Границы: geokz (А. Родионов), CC BY 4.0, по данным OCHA COD-AB",
        "kk": "Шекаралар: geokz (А. Родионов), CC BY 4.0, OCHA COD-AB бойынша",
    },
    "data_credit": {
        "en": "Figures: Bureau of National Statistics of the Republic of Kazakhstan "
        "(stat.gov.kz), via the public copies listed on the Data quality page.",
        "ru": "Данные: Бюро национальной статистики РК (stat.gov.kz), по публичным копиям, "
        "перечисленным на странице качества данных.",
        "kk": "Деректер: ҚР Ұлттық статистика бюросы (stat.gov.kz), деректер сапасы бетінде "
        "аталған жария көшірмелер бойынша.",
    },
    # selectors
    "measure": {"en": "Measure", "ru": "Показатель", "kk": "Көрсеткіш"},
    "year": {"en": "Year", "ru": "Год", "kk": "Жыл"},
    "flow_scope": {"en": "Flow scope", "ru": "Охват потоков", "kk": "Ағын қамтуы"},
    "region_frame": {"en": "Region frame", "ru": "Сетка регионов", "kk": "Өңірлер торы"},
    "region": {"en": "Region", "ru": "Регион", "kk": "Өңір"},
    "top_n": {
        "en": "Largest flows shown",
        "ru": "Показать крупнейших потоков",
        "kk": "Көрсетілетін ең ірі ағындар",
    },
    "severity": {"en": "Severity", "ru": "Серьёзность", "kk": "Маңыздылық"},
    "all": {"en": "all", "ru": "все", "kk": "барлығы"},
    # measures
    "attractiveness_coefficient": {
        "en": "Attractiveness coefficient (arrivals / departures)",
        "ru": "Коэффициент миграционной привлекательности (прибывшие / выбывшие)",
        "kk": "Көші-қон тартымдылығы коэффициенті (келгендер / кеткендер)",
    },
    "net_migration_per_1000": {
        "en": "Net migration per 1,000 population",
        "ru": "Сальдо миграции на 1 000 населения",
        "kk": "1 000 тұрғынға шаққандағы көші-қон сальдосы",
    },
    "migration_efficiency_pct": {
        "en": "Migration efficiency, % (A − D)/(A + D)",
        "ru": "Результативность миграции, % (П − В)/(П + В)",
        "kk": "Көші-қон нәтижелілігі, % (К − Ш)/(К + Ш)",
    },
    "total_score_points": {
        "en": "Socio-economic score (total points)",
        "ru": "Социально-экономическая оценка (сумма баллов)",
        "kk": "Әлеуметтік-экономикалық баға (балдар қосындысы)",
    },
    "short_attractiveness_coefficient": {
        "en": "Coefficient",
        "ru": "Коэффициент",
        "kk": "Коэффициент",
    },
    "short_net_migration_per_1000": {
        "en": "Net per 1,000",
        "ru": "Сальдо на 1 000",
        "kk": "Сальдо, 1 000 адамға",
    },
    "short_migration_efficiency_pct": {
        "en": "Efficiency, %",
        "ru": "Результативность, %",
        "kk": "Нәтижелілік, %",
    },
    "short_total_score_points": {"en": "Points", "ru": "Баллы", "kk": "Балдар"},
    "net_migration": {
        "en": "Net migration (persons)",
        "ru": "Сальдо миграции (человек)",
        "kk": "Көші-қон сальдосы (адам)",
    },
    "arrivals": {"en": "Arrivals", "ru": "Прибывшие", "kk": "Келгендер"},
    "departures": {"en": "Departures", "ru": "Выбывшие", "kk": "Кеткендер"},
    "arrivals_per_1000": {
        "en": "Arrivals per 1,000",
        "ru": "Прибывшие на 1 000",
        "kk": "1 000 адамға келгендер",
    },
    "departures_per_1000": {
        "en": "Departures per 1,000",
        "ru": "Выбывшие на 1 000",
        "kk": "1 000 адамға кеткендер",
    },
    "turnover_per_1000": {
        "en": "Migration turnover per 1,000",
        "ru": "Миграционный оборот на 1 000",
        "kk": "1 000 адамға көші-қон айналымы",
    },
    "population": {"en": "Population", "ru": "Население", "kk": "Халық саны"},
    "persons": {"en": "Persons", "ru": "Человек", "kk": "Адам"},
    "value": {"en": "Value", "ru": "Значение", "kk": "Мәні"},
    "rank": {"en": "Rank", "ru": "Место", "kk": "Орны"},
    "quality_flag": {"en": "Quality flag", "ru": "Флаг качества", "kk": "Сапа белгісі"},
    "national": {
        "en": "National (all regions)",
        "ru": "По стране (все регионы)",
        "kk": "Ел бойынша (барлық өңірлер)",
    },
    "national_average": {
        "en": "National average",
        "ru": "Среднее по стране",
        "kk": "Ел бойынша орташа",
    },
    "pct_of_national_average": {
        "en": "% of national average",
        "ru": "% от среднего по стране",
        "kk": "Ел орташасынан %",
    },
    "score_class": {"en": "Class", "ru": "Класс", "kk": "Класс"},
    "score_points": {"en": "Points", "ru": "Баллы", "kk": "Балдар"},
    "total": {"en": "Total", "ru": "Итого", "kk": "Барлығы"},
    "indicator": {"en": "Indicator", "ru": "Индикатор", "kk": "Индикатор"},
    "origin": {"en": "From", "ru": "Откуда", "kk": "Қайдан"},
    "destination": {"en": "To", "ru": "Куда", "kk": "Қайда"},
    "share_of_region_total": {
        "en": "Share of the region's total",
        "ru": "Доля в итоге региона",
        "kk": "Өңір жиынтығындағы үлесі",
    },
    "source_id": {"en": "Source", "ru": "Источник", "kk": "Дереккөз"},
    # flow scopes and frames
    "scope_interregional": {
        "en": "interregional (between regions)",
        "ru": "межрегиональная (между регионами)",
        "kk": "өңіраралық (өңірлер арасында)",
    },
    "scope_internal": {
        "en": "internal (incl. moves inside a region)",
        "ru": "внутренняя (включая переезды внутри региона)",
        "kk": "ішкі (өңір ішіндегі көшулерді қоса)",
    },
    "scope_total": {
        "en": "total (incl. moves to and from abroad)",
        "ru": "все потоки (включая внешнюю миграцию)",
        "kk": "барлық ағындар (сыртқы көші-қонды қоса)",
    },
    "frame_kz20": {
        "en": "kz20: 20 units, current (since June 2022)",
        "ru": "kz20: 20 единиц, текущая (с июня 2022)",
        "kk": "kz20: 20 бірлік, қазіргі (2022 маусымынан)",
    },
    "frame_kz17": {
        "en": "kz17: 17 units (June 2018 – June 2022)",
        "ru": "kz17: 17 единиц (июнь 2018 – июнь 2022)",
        "kk": "kz17: 17 бірлік (2018 маусым – 2022 маусым)",
    },
    "frame_kz16": {
        "en": "kz16: 16 units, with South Kazakhstan (before June 2018)",
        "ru": "kz16: 16 единиц, с Южно-Казахстанской областью (до июня 2018)",
        "kk": "kz16: 16 бірлік, Оңтүстік Қазақстан облысымен (2018 маусымына дейін)",
    },
    # score classes
    "class_very low": {"en": "very low", "ru": "очень низкий", "kk": "өте төмен"},
    "class_low": {"en": "low", "ru": "низкий", "kk": "төмен"},
    "class_medium": {"en": "medium", "ru": "средний", "kk": "орташа"},
    "class_high": {"en": "high", "ru": "высокий", "kk": "жоғары"},
    "class_very high": {"en": "very high", "ru": "очень высокий", "kk": "өте жоғары"},
    # indicators
    "ind_grp_per_capita": {
        "en": "GRP per capita",
        "ru": "ВРП на душу населения",
        "kk": "Жан басына шаққандағы ЖӨӨ",
    },
    "ind_avg_monthly_wage": {
        "en": "Average monthly wage",
        "ru": "Среднемесячная зарплата",
        "kk": "Орташа айлық жалақы",
    },
    "ind_per_capita_income": {
        "en": "Per-capita money income",
        "ru": "Денежные доходы на душу населения",
        "kk": "Жан басына шаққандағы ақшалай табыс",
    },
    "ind_unemployment_rate": {
        "en": "Unemployment rate",
        "ru": "Уровень безработицы",
        "kk": "Жұмыссыздық деңгейі",
    },
    "ind_employment_applicants_per_1000": {
        "en": "Job seekers at employment offices per 1,000",
        "ru": "Обратившиеся в органы занятости на 1 000",
        "kk": "Жұмыспен қамту органдарына жүгінгендер, 1 000 адамға",
    },
    "ind_doctors_per_10k": {
        "en": "Doctors per 10,000",
        "ru": "Врачи на 10 000 населения",
        "kk": "10 000 адамға шаққандағы дәрігерлер",
    },
    "ind_housing_commissioned_m2_per_capita": {
        "en": "Housing commissioned, m² per capita",
        "ru": "Ввод жилья, м² на душу населения",
        "kk": "Пайдалануға берілген тұрғын үй, жан басына м²",
    },
    # overview
    "overview_intro": {
        "en": "Regions coloured by the chosen measure for one year, flow scope and region frame. "
        "Grey: no value in this build.",
        "ru": "Регионы окрашены по выбранному показателю за год, охват потоков и сетку "
        "регионов. Серый цвет: значения в этой сборке нет.",
        "kk": "Өңірлер таңдалған көрсеткіш бойынша бір жылға, ағын қамтуы мен өңірлер торына "
        "боялған. Сұр: бұл құрастыруда мәні жоқ.",
    },
    "ranked_table": {"en": "Ranking", "ru": "Рейтинг", "kk": "Рейтинг"},
    "scorecard_frame_note": {
        "en": "Scores are given for the units of the year's own frame ({frame}); the frame "
        "and scope selectors do not apply.",
        "ru": "Баллы даны для единиц собственной сетки года ({frame}); выбор сетки и охвата "
        "к ним не применяется.",
        "kk": "Балдар жылдың өз торының бірліктері үшін берілген ({frame}); тор мен қамту "
        "таңдауы қолданылмайды.",
    },
    "no_data": {
        "en": "No data for this selection in the published build.",
        "ru": "Для этого выбора в опубликованной сборке нет данных.",
        "kk": "Бұл таңдау бойынша жарияланған құрастыруда дерек жоқ.",
    },
    "no_value": {"en": "no value", "ru": "нет значения", "kk": "мәні жоқ"},
    "build_locked_title": {
        "en": "The served build is locked by another program",
        "ru": "Опубликованная сборка заблокирована другой программой",
        "kk": "Жарияланған құрастыруды басқа бағдарлама құлыптаған",
    },
    "build_locked_body": {
        "en": "Process {pid} (`{process}`) holds `{path}` open read-write, which locks every other "
        "reader out. Close that client, or reconnect it read-only (`make sql`, "
        "`duckdb -readonly {path}`, or `read_only=True` / a read-only DBeaver connection), then "
        "reload this page.",
        "ru": "Процесс {pid} (`{process}`) держит `{path}` открытым на запись, и никто другой не "
        "может его читать. Закройте этот клиент или переподключите его только для чтения "
        "(`make sql`, `duckdb -readonly {path}` или `read_only=True` / подключение DBeaver только "
        "для чтения), затем обновите страницу.",
        "kk": "{pid} процесі (`{process}`) `{path}` файлын жазуға ашып ұстап тұр, сондықтан басқа "
        "ешкім оны оқи алмайды. Сол клиентті жабыңыз немесе оны тек оқуға қайта қосыңыз "
        "(`make sql`, `duckdb -readonly {path}` немесе `read_only=True` / DBeaver-дің тек оқуға "
        "арналған қосылымы), содан кейін бетті жаңартыңыз.",
    },
    "dq_sidebar": {
        "en": "Data-quality issues",
        "ru": "Проблемы качества данных",
        "kk": "Деректер сапасының мәселелері",
    },
    "severity_error": {"en": "errors", "ru": "ошибок", "kk": "қате"},
    "severity_warn": {"en": "warnings", "ru": "предупреждений", "kk": "ескерту"},
    "dq_sidebar_none": {
        "en": "Data-quality issues: none",
        "ru": "Проблем качества данных нет",
        "kk": "Деректер сапасының мәселелері жоқ",
    },
    "download_csv": {"en": "CSV", "ru": "CSV", "kk": "CSV"},
    "download_xlsx": {"en": "Excel", "ru": "Excel", "kk": "Excel"},
    "download": {"en": "Download", "ru": "Скачать", "kk": "Жүктеп алу"},
}


from streamlit_app.i18n_drivers import DRIVERS_LABELS  # noqa: E402 (the Drivers page's labels)
from streamlit_app.i18n_pages import PAGE_LABELS  # noqa: E402 (Region profile, Flows, Data quality)
from streamlit_app.i18n_paper import FIGURE_LABELS, PAPER_LABELS  # noqa: E402 (Paper figures page)

LABELS.update(DRIVERS_LABELS)
LABELS.update(PAGE_LABELS)
LABELS.update(PAPER_LABELS)
LABELS.update(FIGURE_LABELS)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt) -> str:
    entry = LABELS.get(key)
    text = key if entry is None else entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or key
    return text.format(**fmt) if fmt else text


def scope_label(scope: str, lang: str) -> str:
    return t(f"scope_{scope}", lang) if f"scope_{scope}" in LABELS else scope


def short_scope_label(scope: str, lang: str) -> str:
    """'internal', 'interregional', 'total' in `lang`: the scope in a legend entry."""
    return t(f"short_scope_{scope}", lang) if f"short_scope_{scope}" in LABELS else scope


def frame_label(frame: str, lang: str) -> str:
    return t(f"frame_{frame}", lang) if f"frame_{frame}" in LABELS else frame


def class_label(score_class: str, lang: str) -> str:
    key = f"class_{score_class}"
    return t(key, lang) if key in LABELS else str(score_class)


def indicator_label(code: str, lang: str) -> str:
    key = f"ind_{code}"
    return t(key, lang) if key in LABELS else str(code)


def name_column(lang: str) -> str:
    """The dim_region column holding region names in `lang`."""
    return f"region_name_{lang if lang in LANGUAGES else DEFAULT_LANGUAGE}"
