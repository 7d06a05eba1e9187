-- One row per (model_id, year, origin_region_code, destination_region_code): the contract over
-- int_drivers__gravity_sample (a dbt Python model). One column per possible regressor, named as
-- its term in fct_gravity_estimates; NULL where the term is not a regressor of the model.
with

sample as (

    select * from {{ ref('int_drivers__gravity_sample') }}

)

select
    model_id::varchar as model_id,
    year::integer as year,
    region_frame::varchar as region_frame,
    origin_region_code::varchar as origin_region_code,
    destination_region_code::varchar as destination_region_code,
    persons::double as persons,
    ln_population_origin::double as ln_population_origin,
    ln_population_destination::double as ln_population_destination,
    ln_distance_km::double as ln_distance_km,
    ln_pct_avg_monthly_wage_origin::double as ln_pct_avg_monthly_wage_origin,
    ln_pct_avg_monthly_wage_destination::double as ln_pct_avg_monthly_wage_destination,
    ln_pct_doctors_per_10k_origin::double as ln_pct_doctors_per_10k_origin,
    ln_pct_doctors_per_10k_destination::double as ln_pct_doctors_per_10k_destination,
    ln_pct_employment_applicants_per_1000_origin::double as ln_pct_employment_applicants_per_1000_origin,
    ln_pct_employment_applicants_per_1000_destination::double as ln_pct_employment_applicants_per_1000_destination,
    ln_pct_grp_per_capita_origin::double as ln_pct_grp_per_capita_origin,
    ln_pct_grp_per_capita_destination::double as ln_pct_grp_per_capita_destination,
    ln_pct_housing_commissioned_m2_per_capita_origin::double as ln_pct_housing_commissioned_m2_per_capita_origin,
    ln_pct_housing_commissioned_m2_per_capita_destination::double
        as ln_pct_housing_commissioned_m2_per_capita_destination,
    ln_pct_per_capita_income_origin::double as ln_pct_per_capita_income_origin,
    ln_pct_per_capita_income_destination::double as ln_pct_per_capita_income_destination,
    ln_pct_unemployment_rate_origin::double as ln_pct_unemployment_rate_origin,
    ln_pct_unemployment_rate_destination::double as ln_pct_unemployment_rate_destination,
    included::boolean as included,
    exclusion_reason::varchar as exclusion_reason
from sample
