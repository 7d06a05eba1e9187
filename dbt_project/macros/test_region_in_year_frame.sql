{#- Every region_code (other than the Republic) is a unit of the frame its year is published in
    (int_regions__frame_units): kz16 up to 2017, kz17 2018-2021, kz20 from 2022. -#}
{% test region_in_year_frame(model, column_name, year_column) %}

with

frame_units as (

    select * from {{ ref('int_regions__frame_units') }}

)

select
    tested.{{ column_name }},
    tested.{{ year_column }}
from {{ model }} as tested
where
    tested.{{ column_name }} is not null
    and tested.{{ column_name }} <> '000000000'
    and not exists (
        select 1
        from frame_units
        where
            frame_units.region_code = tested.{{ column_name }}
            and {{ year_in_frame('tested.' ~ year_column, 'frame_units') }}
    )

{% endtest %}
