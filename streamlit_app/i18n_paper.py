"""Labels of the Paper figures page: the claims panel and Figures 1-3 (merged into i18n.LABELS)."""

from __future__ import annotations

PAPER_LABELS: dict[str, dict[str, str]] = {
    "claims_title": {
        "en": "The paper's statements, checked against the data",
        "ru": "Утверждения статьи, проверенные по данным",
        "kk": "Мақаланың тұжырымдары, деректер бойынша тексерілген",
    },
    "claims_intro": {
        "en": "Each statement of Bokayev & Akhmetova is computed from the marts "
        "(marts.paper_claims): internal migration where published, else interregional, each "
        "year in its own region frame. Open a statement for its evidence.",
        "ru": "Каждое утверждение Бокаева и Ахметовой вычислено по витринам (marts.paper_claims): "
        "внутренняя миграция, где она опубликована, иначе межрегиональная, каждый год в своих "
        "границах. Откройте утверждение, чтобы увидеть основания.",
        "kk": "Боқаев пен Ахметованың әр тұжырымы витриналардан есептелген "
        "(marts.paper_claims): жарияланған жерде ішкі көші-қон, әйтпесе өңіраралық, әр жыл өз "
        "шекарасында. Негіздемесін көру үшін тұжырымды ашыңыз.",
    },
    "claims_missing": {
        "en": "This build has no paper_claims mart (built before the check existed).",
        "ru": "В этой сборке нет витрины paper_claims (собрана до появления проверки).",
        "kk": "Бұл жинақта paper_claims витринасы жоқ (тексеру пайда болғанға дейін жиналған).",
    },
    "claims_paper": {"en": "paper", "ru": "статья", "kk": "мақала"},
    "claims_warehouse": {"en": "warehouse", "ru": "хранилище", "kk": "қойма"},
    "claims_evidence": {"en": "Evidence", "ru": "Основания", "kk": "Негіздеме"},
    "claims_used": {
        "en": "Years {years} · scope {scope} · frame {frame} · quality {flag}",
        "ru": "Годы {years} · охват {scope} · границы {frame} · качество {flag}",
        "kk": "Жылдар {years} · қамту {scope} · шекара {frame} · сапа {flag}",
    },
    "verdict_reproduced": {"en": "reproduced", "ru": "подтверждено", "kk": "расталды"},
    "verdict_approximately_reproduced": {
        "en": "approximately reproduced",
        "ru": "приблизительно подтверждено",
        "kk": "шамамен расталды",
    },
    "verdict_contradicted": {"en": "contradicted", "ru": "опровергнуто", "kk": "теріске шықты"},
    "verdict_not_checkable": {
        "en": "not checkable",
        "ru": "не проверяемо",
        "kk": "тексеруге болмайды",
    },
}

# st.badge colours of each verdict
VERDICT_COLOURS = {
    "reproduced": "green",
    "approximately_reproduced": "blue",
    "contradicted": "red",
    "not_checkable": "gray",
}

# Labels of Figures 1-3 on the Paper figures page: titles and captions, the paper view, gaps,
# flagged values and the indicators scored per year (merged into i18n.LABELS with PAPER_LABELS).
FIGURE_LABELS: dict[str, dict[str, str]] = {
    "fig1_title": {
        "en": "Figure 1. Migration balance by region and year",
        "ru": "Рисунок 1. Сальдо миграции по регионам и годам",
        "kk": "1-сурет. Өңірлер мен жылдар бойынша көші-қон сальдосы",
    },
    "fig2_title": {
        "en": "Figure 2. Coefficient of migration attractiveness by region and year",
        "ru": "Рисунок 2. Коэффициент миграционной привлекательности по регионам и годам",
        "kk": "2-сурет. Өңірлер мен жылдар бойынша көші-қон тартымдылығы коэффициенті",
    },
    "fig3_title": {
        "en": "Figure 3. Socio-economic classification of the regions",
        "ru": "Рисунок 3. Социально-экономическая классификация регионов",
        "kk": "3-сурет. Өңірлердің әлеуметтік-экономикалық жіктелуі",
    },
    "fig_provenance": {
        "en": "Scope: {scope}. Frame: {frame}. Sources: {sources}.",
        "ru": "Охват: {scope}. Сетка: {frame}. Источники: {sources}.",
        "kk": "Қамту: {scope}. Тор: {frame}. Дереккөздер: {sources}.",
    },
    "fig3_provenance": {
        "en": "Each indicator as % of the national average, classed: <70 very low (−2), "
        "[70, 95) low (−1), [95, 105) medium (0.5), [105, 150) high (1), ≥150 very high (2); "
        "points sign-reversed where higher is worse. Frame: units of {year} ({frame}). "
        "Sources: {sources}.",
        "ru": "Каждый индикатор в % от среднего по стране: <70 очень низкий (−2), [70, 95) "
        "низкий (−1), [95, 105) средний (0,5), [105, 150) высокий (1), ≥150 очень высокий (2); "
        "знак баллов обратный, где больше значит хуже. Сетка: единицы {year} года ({frame}). "
        "Источники: {sources}.",
        "kk": "Әр индикатор ел орташасынан %: <70 өте төмен (−2), [70, 95) төмен (−1), "
        "[95, 105) орташа (0,5), [105, 150) жоғары (1), ≥150 өте жоғары (2); көбі нашар "
        "болғанда балл таңбасы керісінше. Тор: {year} жылғы бірліктер ({frame}). "
        "Дереккөздер: {sources}.",
    },
    "line_at_one": {
        "en": "1 = as many arrivals as departures",
        "ru": "1 = прибывших столько же, сколько выбывших",
        "kk": "1 = келгендер кеткендермен тең",
    },
    "figure_view": {"en": "View", "ru": "Вид", "kk": "Көрініс"},
    "view_paper_view": {
        "en": "paper view (internal where published, else interregional)",
        "ru": "как в статье (внутренняя, где опубликована, иначе межрегиональная)",
        "kk": "мақаладағыдай (жарияланған жерде ішкі, әйтпесе өңіраралық)",
    },
    "own_frame": {
        "en": "each year in its own frame",
        "ru": "каждый год в своих границах",
        "kk": "әр жыл өз шекарасында",
    },
    "paper_view_caption": {
        "en": "Paper view: for each year the scope closest to the paper's overall internal "
        "migration (marts.fct_migration_paper_view): {years}. Solid bars are internal "
        "migration, dotted bars interregional; each year in its own region frame.",
        "ru": "Вид как в статье: для каждого года охват, ближайший к общей внутренней миграции "
        "статьи (marts.fct_migration_paper_view): {years}. Сплошные столбцы — внутренняя "
        "миграция, точечные — межрегиональная; каждый год в своих границах.",
        "kk": "Мақаладағыдай көрініс: әр жыл үшін мақаланың жалпы ішкі көші-қонына ең жақын "
        "қамту (marts.fct_migration_paper_view): {years}. Тұтас бағандар — ішкі көші-қон, "
        "нүктелі бағандар — өңіраралық; әр жыл өз шекарасында.",
    },
    "short_scope_internal": {"en": "internal", "ru": "внутренняя", "kk": "ішкі"},
    "short_scope_interregional": {
        "en": "interregional",
        "ru": "межрегиональная",
        "kk": "өңіраралық",
    },
    "short_scope_total": {"en": "total", "ru": "все потоки", "kk": "барлығы"},
    "gap_no_data": {
        "en": "{years}: no data",
        "ru": "{years}: нет данных",
        "kk": "{years}: дерек жоқ",
    },
    "gaps_caption": {
        "en": "No data for {years}: the slot is left empty, never interpolated.",
        "ru": "Нет данных за {years}: место оставлено пустым, без интерполяции.",
        "kk": "{years} үшін дерек жоқ: орын бос қалдырылды, интерполяция жасалмайды.",
    },
    "flagged_legend": {
        "en": "faded: value with a quality flag",
        "ru": "бледные: значение с флагом качества",
        "kk": "бозғылт: сапа белгісі бар мән",
    },
    "flagged_values": {
        "en": "{n} values carry a quality flag (faded in the figure):",
        "ru": "{n} значений имеют флаг качества (бледные на рисунке):",
        "kk": "{n} мәннің сапа белгісі бар (суретте бозғылт):",
    },
    "flagged_none": {
        "en": "No value of this figure carries a quality flag.",
        "ru": "Ни одно значение рисунка не имеет флага качества.",
        "kk": "Суреттің бірде-бір мәнінде сапа белгісі жоқ.",
    },
    "fig3_coverage": {
        "en": "Indicators scored in each year (regions scored; the chosen years are framed)",
        "ru": "Индикаторы, оцененные в каждом году (число регионов; выбранные годы в рамке)",
        "kk": "Әр жылы бағаланған индикаторлар (өңірлер саны; таңдалған жылдар жақтауда)",
    },
    "fig3_compare": {"en": "Compare with", "ru": "Сравнить с", "kk": "Салыстыру"},
    "fig3_compare_none": {"en": "—", "ru": "—", "kk": "—"},
    "fig3_sets_differ": {
        "en": "{year_a} and {year_b} score different indicators, so their totals are not "
        "comparable: only in {year_a}: {only_a}; only in {year_b}: {only_b}.",
        "ru": "В {year_a} и {year_b} оценены разные индикаторы, их суммы баллов несопоставимы: "
        "только в {year_a}: {only_a}; только в {year_b}: {only_b}.",
        "kk": "{year_a} және {year_b} жылдары әртүрлі индикаторлар бағаланған, балдар "
        "қосындысын салыстыруға болмайды: тек {year_a}: {only_a}; тек {year_b}: {only_b}.",
    },
    "fig3_sets_same": {
        "en": "{year_a} and {year_b} score the same {n} indicators.",
        "ru": "В {year_a} и {year_b} оценены одни и те же {n} индикаторов.",
        "kk": "{year_a} және {year_b} жылдары бірдей {n} индикатор бағаланған.",
    },
    "fig3_year_differs": {
        "en": "{year} scores {n} of the {total} indicators scored in some year; totals of "
        "years with other indicators are not comparable with it (see the coverage below).",
        "ru": "В {year} оценено {n} из {total} индикаторов, оцениваемых в какие-либо годы; "
        "суммы баллов лет с другими индикаторами с ним несопоставимы (см. покрытие ниже).",
        "kk": "{year} жылы кез келген жылы бағаланатын {total} индикатордың {n} бағаланған; "
        "басқа индикаторлары бар жылдардың қосындысы онымен салыстырылмайды (төмендегі "
        "қамтуды қараңыз).",
    },
    "quality_note": {"en": "Quality note", "ru": "Примечание о качестве", "kk": "Сапа ескертпесі"},
    "none_word": {"en": "none", "ru": "нет", "kk": "жоқ"},
    "change": {"en": "Change", "ru": "Изменение", "kk": "Өзгеріс"},
    "indicators_scored": {
        "en": "Indicators scored",
        "ru": "Оценено индикаторов",
        "kk": "Бағаланған индикаторлар",
    },
}
