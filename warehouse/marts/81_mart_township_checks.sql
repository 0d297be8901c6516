-- The registry checks of the six zero targets township by township: every registry snapshot × township × check
-- that applies to one township (mart_six_zero_rules.for_townships), judged as the banner's board judges its own
-- (mart_six_zero_checks): the same inputs (mart_registry_township: existing and out-of-control users, the
-- *_input columns of the rates and of users per case worker) and the same comparison (check_passes).
--
-- value: the township's input at the snapshot: null when the snapshot leaves the column blank (a rate, users
--   per case worker), 100 for a rate with nobody at large.
-- result: pass / fail by the check's operator and threshold; no_data without an input (never a pass nor a 0 %
--   fail). A snapshot is judged as it is: no year in progress, nothing pending.
create or replace table mart_township_checks as
with rules as (
    select target, "check", check_order, input, operator, threshold
    from mart_six_zero_rules
    where for_townships
),

townships as (
    select snapshot_date, year, township_code, existing_users, out_of_control, face_check_input,
           info_verified_input, users_per_case_worker_input
    from mart_registry_township
    where area_level = 'township'
),

valued as (
    select
        townships.snapshot_date,
        townships.year,
        townships.township_code,
        rules.*,
        case rules.input
            when 'registry:existing_users' then existing_users
            when 'registry:out_of_control' then out_of_control
            when 'registry:face_check_rate' then face_check_input
            when 'registry:info_verified_rate' then info_verified_input
            when 'registry:users_per_case_worker' then users_per_case_worker_input
        end::double as value
    from townships
    cross join rules
),

final as (
    select
        *,
        case
            when value is null then 'no_data'
            when check_passes(value, operator, threshold) then 'pass'
            else 'fail'
        end as result
    from valued
)

select * from final
order by snapshot_date, township_code, check_order;
