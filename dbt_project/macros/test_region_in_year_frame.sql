{#- Every region_code (other than the Republic) is a unit of the frame its year is published in
    (seeds region_frames and region_frame_map): kz16 up to 2017, kz17 2018-2021, kz20 from 2022. -#}
{% test region_in_year_frame(model, column_name, year_column) %}

with

frames as (

    select * from {{ ref('region_frames') }}

),

frame_units as (

    select
        frames.first_year,
        frames.last_year,
        frame_map.region_code
    from frames
    inner join {{ ref('region_frame_map') }} as frame_map
        on
            frames.region_frame = frame_map.region_frame
            and frame_map.region_code = frame_map.frame_region_code

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
            and tested.{{ year_column }} >= frame_units.first_year
            and tested.{{ year_column }} <= coalesce(frame_units.last_year, 9999)
    )

{% endtest %}
