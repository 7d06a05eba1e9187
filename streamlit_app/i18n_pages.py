"""Labels of the Region profile, Flows and Data quality & coverage pages (merged into
i18n.LABELS)."""

from __future__ import annotations

PAGE_LABELS: dict[str, dict[str, str]] = {
    # region profile
    "profile_series": {
        "en": "Time series against the national figure",
        "ru": "Динамика в сравнении с показателем по стране",
        "kk": "Ел көрсеткішімен салыстырмалы динамика",
    },
    "profile_national_note": {
        "en": "National figure: rates = sum over all regions of the frame / their population; "
        "coefficient = all arrivals / all departures; balance = mean over regions; indicators: "
        "the mart's national_average.",
        "ru": "Показатель по стране: коэффициенты на 1 000 = сумма по всем регионам сетки / их "
        "население; коэффициент привлекательности = все прибывшие / все выбывшие; сальдо = "
        "среднее по регионам; индикаторы: national_average из витрины.",
        "kk": "Ел көрсеткіші: 1 000 адамға = тордың барлық өңірлерінің қосындысы / олардың "
        "халқы; тартымдылық = барлық келгендер / барлық кеткендер; сальдо = өңірлер "
        "орташасы; индикаторлар: витринадағы national_average.",
    },
    "profile_indicators": {
        "en": "Socio-economic indicators against the national average",
        "ru": "Социально-экономические индикаторы в сравнении со средним по стране",
        "kk": "Әлеуметтік-экономикалық индикаторлар ел орташасымен салыстырғанда",
    },
    "field": {"en": "Field", "ru": "Поле", "kk": "Өріс"},
    "score_breakdown": {
        "en": "Score breakdown",
        "ru": "Структура оценки",
        "kk": "Баға құрылымы",
    },
    "quality_flags": {
        "en": "Data-quality flags",
        "ru": "Флаги качества данных",
        "kk": "Деректер сапасының белгілері",
    },
    "no_flags": {
        "en": "No quality flags for this region.",
        "ru": "Для этого региона флагов качества нет.",
        "kk": "Бұл өңір үшін сапа белгілері жоқ.",
    },
    "flagged_rows": {
        "en": "Mart rows with a quality flag",
        "ru": "Строки витрин с флагом качества",
        "kk": "Сапа белгісі бар витрина жолдары",
    },
    "issues_for_region": {
        "en": "Recorded data-quality issues",
        "ru": "Зарегистрированные проблемы качества данных",
        "kk": "Тіркелген деректер сапасы мәселелері",
    },
    # flows
    "flows_in": {
        "en": "Largest flows into {region}",
        "ru": "Крупнейшие потоки в регион: {region}",
        "kk": "{region} өңіріне ең ірі ағындар",
    },
    "flows_out": {
        "en": "Largest flows out of {region}",
        "ru": "Крупнейшие потоки из региона: {region}",
        "kk": "{region} өңірінен ең ірі ағындар",
    },
    "sankey_title": {
        "en": "All interregional flows of {year} ({frame}): origin (left) → destination (right)",
        "ru": "Все межрегиональные потоки {year} ({frame}): откуда (слева) → куда (справа)",
        "kk": "{year} жылғы барлық өңіраралық ағындар ({frame}): қайдан (сол) → қайда (оң)",
    },
    "sankey_note": {
        "en": "Showing the {shown} largest of {total} flows ({share:.0%} of {persons:,} persons).",
        "ru": "Показаны {shown} крупнейших из {total} потоков ({share:.0%} из {persons:,} чел.).",
        "kk": "{total} ағынның ең ірі {shown} ағыны ({persons:,} адамның {share:.0%}).",
    },
    # data quality
    "dq_issues": {
        "en": "Data-quality issues (marts.data_quality_issues)",
        "ru": "Проблемы качества данных (marts.data_quality_issues)",
        "kk": "Деректер сапасы мәселелері (marts.data_quality_issues)",
    },
    "dq_none": {
        "en": "No data-quality issues recorded in this build.",
        "ru": "В этой сборке проблем качества данных не зарегистрировано.",
        "kk": "Бұл құрастыруда деректер сапасы мәселелері тіркелмеген.",
    },
    "build_info": {
        "en": "Build information (marts.build_info)",
        "ru": "Сведения о сборке (marts.build_info)",
        "kk": "Құрастыру туралы мәлімет (marts.build_info)",
    },
    "coverage": {
        "en": "Coverage: regions with a value, by measure, scope, frame and year",
        "ru": "Полнота: число регионов со значением по показателю, охвату, сетке и году",
        "kk": "Толықтық: көрсеткіш, қамту, тор және жыл бойынша мәні бар өңірлер саны",
    },
    "coverage_note": {
        "en": "Cell = number of regions with a non-empty value; blank = not in the build.",
        "ru": "Ячейка = число регионов с непустым значением; пусто = нет в сборке.",
        "kk": "Ұяшық = мәні бар өңірлер саны; бос = құрастыруда жоқ.",
    },
    "sources": {"en": "Sources", "ru": "Источники", "kk": "Дереккөздер"},
    "sources_without_registry": {
        "en": "This build has no source table (marts.dim_source): sources are shown by id only.",
        "ru": "В этой сборке нет таблицы источников (marts.dim_source): показаны только их коды.",
        "kk": "Бұл құрастыруда дереккөздер кестесі жоқ (marts.dim_source): тек кодтары "
        "көрсетілген.",
    },
    "description": {"en": "Description", "ru": "Описание", "kk": "Сипаттама"},
    "repository": {"en": "Repository", "ru": "Репозиторий", "kk": "Репозиторий"},
    "latest_period_year": {"en": "Latest year", "ru": "Последний год", "kk": "Соңғы жыл"},
    "latest_loaded_at": {"en": "Loaded at", "ru": "Загружено", "kk": "Жүктелген уақыты"},
}
