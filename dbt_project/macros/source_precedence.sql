{#- Where several sources publish the same figure, seed precedence decides (migration_source_precedence,
    indicator_source_precedence): the lowest precedence wins (precedence_rank = 1 of the candidates)
    and every other source is compared with the chosen figure. -#}

{#- Rank of a candidate among the sources of the same figure: 1 = the figure kept. -#}
{% macro precedence_rank(partition_by, order_by='precedence') -%}
    row_number() over (partition by {{ partition_by | join(', ') }} order by {{ order_by }})
{%- endmacro %}

{#- The figures kept (every column of the candidates with precedence_rank = 1, one row per `keys`)
    with the other sources compared with each: other_sources (how many), sources_disagreeing (how
    many differ by more than `tolerances`.tolerance, a row of seed migration_check_tolerances) and
    disagreeing_values ('source=value, ...' in precedence order; NULL when none disagrees).
    `candidates` has source_id, precedence, precedence_rank and `value_column`. -#}
{% macro chosen_with_comparison(candidates, keys, value_column, tolerances) -%}
    {%- set differs -%}
        abs(other_candidates.{{ value_column }} - chosen.{{ value_column }}) > {{ tolerances }}.tolerance
    {%- endset -%}
    select
        chosen.*,
        count(other_candidates.source_id) as other_sources,
        count(other_candidates.source_id) filter (where {{ differs }}) as sources_disagreeing,
        string_agg(
            other_candidates.source_id || '=' || other_candidates.{{ value_column }}::varchar,
            ', ' order by other_candidates.precedence
        ) filter (where {{ differs }}) as disagreeing_values
    {{ chosen_against_other_sources(candidates, keys, 'left', tolerances) }}
    group by all
{%- endmacro %}

{#- The from clause that sets each kept figure (alias chosen: precedence_rank = 1 of `candidates`)
    beside every other source of the same `keys` (alias other_candidates). join_type 'inner'
    keeps only the figures with another source, 'left' keeps every kept figure; `cross_join`
    names a one-row relation to join to every row (a tolerance). -#}
{% macro chosen_against_other_sources(candidates, keys, join_type='inner', cross_join=none) -%}
    from {{ candidates }} as chosen
    {%- if cross_join %}
    cross join {{ cross_join }}
    {%- endif %}
    {{ join_type }} join {{ candidates }} as other_candidates
        on
            {%- for key in keys %}
            chosen.{{ key }} = other_candidates.{{ key }} and
            {%- endfor %}
            other_candidates.precedence_rank > 1
    where chosen.precedence_rank = 1
{%- endmacro %}
