"""Labels of the paper-claims panel of the Paper figures page (merged into i18n.LABELS)."""

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
