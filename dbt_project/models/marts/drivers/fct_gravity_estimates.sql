-- One row per (model_id, term): the contract over int_drivers__gravity_estimates (a dbt Python
-- model).
with

estimates as (

    select * from {{ ref('int_drivers__gravity_estimates') }}

)

select
    model_id::varchar as model_id,
    term::varchar as term,
    estimate::double as estimate,
    std_error::double as std_error,
    z::double as z,
    p_value::double as p_value,
    ci_low_95::double as ci_low_95,
    ci_high_95::double as ci_high_95,
    n_obs::integer as n_obs,
    n_clusters::integer as n_clusters,
    years::integer[] as years,
    fixed_effects::varchar[] as fixed_effects,
    estimator::varchar as estimator,
    covariance::varchar as covariance,
    pseudo_r2::double as pseudo_r2,
    converged::boolean as converged
from estimates
