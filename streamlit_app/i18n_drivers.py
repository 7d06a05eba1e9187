"""Labels of the Drivers page in Kazakh, Russian and English (merged into i18n.LABELS)."""

from __future__ import annotations

DRIVERS_LABELS: dict[str, dict[str, str]] = {
    "page_drivers": {"en": "Drivers", "ru": "Факторы", "kk": "Факторлар"},
    "drivers_intro": {
        "en": "What goes with migration between regions: distance, population and the regions' "
        "economies, measured by a gravity model (PPML) and by correlations across regions. "
        "Association, not causation; with 14–20 regions per year the intervals are wide.",
        "ru": "С чем связана миграция между регионами: расстояние, население и экономика "
        "регионов — по гравитационной модели (PPML) и корреляциям между регионами. Это связь, "
        "а не причинность; при 14–20 регионах в году интервалы широки.",
        "kk": "Өңірлер арасындағы көші-қон немен байланысты: қашықтық, халық саны және өңірлер "
        "экономикасы — гравитациялық модель (PPML) мен өңірлер арасындағы корреляциялар "
        "бойынша. Бұл себеп-салдар емес, байланыс; жылына 14–20 өңір болғандықтан аралықтар кең.",
    },
    "drivers_model": {
        "en": "Gravity model",
        "ru": "Гравитационная модель",
        "kk": "Гравитациялық модель",
    },
    "drivers_coef_title": {
        "en": "Coefficients with 95 % intervals",
        "ru": "Коэффициенты с 95 % интервалами",
        "kk": "95 % аралықтары бар коэффициенттер",
    },
    "drivers_reading_title": {
        "en": "What the model says",
        "ru": "Что говорит модель",
        "kk": "Модель не дейді",
    },
    "drivers_scatter_title": {
        "en": "Indicators and net migration across regions",
        "ru": "Показатели и сальдо миграции по регионам",
        "kk": "Өңірлер бойынша көрсеткіштер мен көші-қон сальдосы",
    },
    "drivers_decay_title": {
        "en": "Distance decay of flows",
        "ru": "Затухание потоков с расстоянием",
        "kk": "Ағындардың қашықтыққа қарай әлсіреуі",
    },
    "drivers_indices_title": {
        "en": "Migration system indices (Bell et al. 2002)",
        "ru": "Индексы миграционной системы (Bell et al. 2002)",
        "kk": "Көші-қон жүйесінің индекстері (Bell et al. 2002)",
    },
    "drivers_tables": {"en": "Tables", "ru": "Таблицы", "kk": "Кестелер"},
    "drivers_population": {"en": "Population", "ru": "Население", "kk": "Халық саны"},
    "drivers_distance": {"en": "Distance", "ru": "Расстояние", "kk": "Қашықтық"},
    "drivers_side_origin": {"en": "Origin", "ru": "Откуда", "kk": "Шыққан өңір"},
    "drivers_side_destination": {"en": "Destination", "ru": "Куда", "kk": "Келген өңір"},
    "drivers_side_pair": {"en": "Pair", "ru": "Пара", "kk": "Жұп"},
    "drivers_elasticity": {
        "en": "Elasticity (% change of the flow per 1 % of the regressor)",
        "ru": "Эластичность (% изменения потока на 1 % фактора)",
        "kk": "Икемділік (фактордың 1 %-ына ағынның % өзгерісі)",
    },
    "drivers_reason_flagged_year": {
        "en": "flagged matrix",
        "ru": "матрица с замечанием",
        "kk": "ескертуі бар матрица",
    },
    "drivers_reason_no_indicator_data": {
        "en": "no indicators for the previous year",
        "ru": "нет показателей за предыдущий год",
        "kk": "алдыңғы жылдың көрсеткіштері жоқ",
    },
    "drivers_reason_missing_population": {
        "en": "population missing",
        "ru": "нет численности населения",
        "kk": "халық саны жоқ",
    },
    "drivers_reason_missing_indicator": {
        "en": "an indicator missing",
        "ru": "нет показателя",
        "kk": "көрсеткіш жоқ",
    },
    "drivers_none": {"en": "none", "ru": "нет", "kk": "жоқ"},
    "drivers_reading_sample": {
        "en": "The model is fitted on {n} region pairs × years ({years}; each year in its own "
        "region frame — {frames}).",
        "ru": "Модель оценена на {n} парах регионов × лет ({years}; каждый год в своей сетке "
        "регионов — {frames}).",
        "kk": "Модель {n} өңір жұбы × жыл бойынша бағаланды ({years}; әр жыл өз өңірлер "
        "торында — {frames}).",
    },
    "drivers_reading_excluded": {
        "en": "Left out: {exclusions}.",
        "ru": "Исключены: {exclusions}.",
        "kk": "Алынып тасталды: {exclusions}.",
    },
    "drivers_more": {
        "en": "{what} ({side}): 1 % more goes with {pct:.2f} % more movers.",
        "ru": "{what} ({side}): на 1 % больше — на {pct:.2f} % больше переселенцев.",
        "kk": "{what} ({side}): 1 % артық болса, көшетіндер {pct:.2f} %-ға көп.",
    },
    "drivers_fewer": {
        "en": "{what} ({side}): 1 % more goes with {pct:.2f} % fewer movers.",
        "ru": "{what} ({side}): на 1 % больше — на {pct:.2f} % меньше переселенцев.",
        "kk": "{what} ({side}): 1 % артық болса, көшетіндер {pct:.2f} %-ға аз.",
    },
    "drivers_reading_unclear": {
        "en": "For {n} other terms the 95 % interval includes zero: the "
        "data cannot tell their sign.",
        "ru": "Для остальных {n} факторов 95 % интервал включает ноль: "
        "знак по данным не определить.",
        "kk": "Қалған {n} фактор үшін 95 % аралық нөлді қамтиды: таңбасын анықтау мүмкін емес.",
    },
    "drivers_caution": {
        "en": "This is association, not causation.",
        "ru": "Это связь, а не причинность.",
        "kk": "Бұл себеп-салдар емес, байланыс.",
    },
    "drivers_pct_national": {
        "en": "% of the national average",
        "ru": "% от среднего по стране",
        "kk": "Ел бойынша орташаның %-ы",
    },
    "drivers_distance_km": {
        "en": "Distance between centres, km",
        "ru": "Расстояние между центрами, км",
        "kk": "Орталықтар арасындағы қашықтық, км",
    },
    "drivers_slope": {
        "en": "log-log slope {slope:.2f}",
        "ru": "наклон в логарифмах {slope:.2f}",
        "kk": "логарифмдік көлбеу {slope:.2f}",
    },
    "drivers_missing_marts": {
        "en": "The served build has no drivers marts yet ({error}): run `make refresh`.",
        "ru": "В опубликованной сборке ещё нет витрин факторов ({error}): "
        "запустите `make refresh`.",
        "kk": "Жарияланған жинақта факторлар витриналары әлі жоқ "
        "({error}): `make refresh` іске қосыңыз.",
    },
    "crude_migration_intensity": {
        "en": "Crude migration intensity, %",
        "ru": "Общая интенсивность миграции, %",
        "kk": "Көші-қонның жалпы қарқындылығы, %",
    },
    "migration_effectiveness_index": {
        "en": "Migration effectiveness index",
        "ru": "Индекс эффективности миграции",
        "kk": "Көші-қон тиімділігі индексі",
    },
    "aggregate_net_migration_rate": {
        "en": "Aggregate net migration rate, %",
        "ru": "Совокупный коэффициент чистой миграции, %",
        "kk": "Таза көші-қонның жиынтық коэффициенті, %",
    },
    "mean_migration_distance_km": {
        "en": "Mean migration distance, km",
        "ru": "Среднее расстояние миграции, км",
        "kk": "Көші-қонның орташа қашықтығы, км",
    },
}
