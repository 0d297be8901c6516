-- The drug-user registry by snapshot and township, plus one row per snapshot for the whole banner
-- (township_code = '150823'); every township of domain/townships.csv appears in every snapshot, with zeros
-- where nobody lives. Definitions: domain.md §4.
--
-- existing users (现有吸毒人员) = registered − abstinent 3 years − deceased − emigrated;
-- at large = existing − compulsory isolation − detained (out-of-control persons are at large);
-- newly found = first_found_date in the snapshot's quarter (newly_found_quarter) or year (newly_found_year),
--   up to the snapshot date;
-- face-check rate = at-large users whose last face-to-face check is within `face_check_window_days` days
--   before the snapshot (a check exactly that many days before counts) ÷ at-large users;
-- info-verified rate = at-large users whose information is verified ÷ at-large users;
-- community execution rate = users ordered to community detox or rehab who reported ÷ all of them
--   (an empty 是否报到执行 counts as not reported; a snapshot that leaves it empty for everyone has no rate);
-- users per case worker (plan §四(四)3 "专职工作人员与辖区登记在册吸毒人员数量之比不少于1:20"; domain.md §4):
--   users ÷ distinct case workers named in the snapshot, on three bases — existing users, registered (every
--   living, resident person on the register: registered − deceased − emigrated) and community (users in
--   community detox or rehab, the old reading); users_per_case_worker is the base the setting
--   staff_ratio_base names. Null when there are users but no worker; the plan's 1:20 passes at exactly 20;
-- *_recorded: the snapshot fills the optional column (last face check, info verified, case worker, employment
--   support) for at
--   least one person. A column left blank for everyone is no input: its rate is null (no_data), not 0 %.
-- over_listing_threshold: existing users strictly above the listing line of domain/targets.csv (township 60,
--   banner 500: the plan's "超过" — exactly 60 is not listed, 61 is).
-- *_input: what the registry checks of domain/targets.csv read for an area, the one definition the banner board
--   (mart_six_zero_checks) and the township scorecard share: a rate is 100 with nobody at
--   large and null (no input) when the snapshot leaves its column blank; users per case worker is 0 without
--   users, infinite with users but no worker, null when the case-worker column is blank.
-- Age and sex mix, risk levels, students and minors are counted among existing users.
create or replace table mart_registry_township as
with lines as (
    select
        max(threshold::double) filter (where "check" = 'township_listing') as township_line,
        max(threshold::double) filter (where "check" = 'banner_listing') as banner_line
    from ref_targets
),

profiled as (
    -- One pass over the register: persons counted by every attribute the measures below need (a few
    -- thousand rows even for a national register), so the measures are sums over a small table.
    select
        snapshot_date,
        township_code,
        control_status,
        risk_level,
        sex,
        case
            when age_years is null then 'unknown'
            when age_years < 18 then 'under_18'
            when age_years <= 34 then '18_34'
            else '35_plus'
        end as age_band,
        coalesce(is_student, false) as is_student,
        coalesce(info_verified, false) as info_verified,
        coalesce(reported, false) as reported,
        coalesce(employment_support, false) as employment_support,
        coalesce(last_face_check_date between snapshot_date - getvariable('face_check_window_days')::integer
                                          and snapshot_date, false) as face_checked,
        coalesce(first_found_date between date_trunc('quarter', snapshot_date)::date and snapshot_date, false)
            as found_in_quarter,
        coalesce(first_found_date between date_trunc('year', snapshot_date)::date and snapshot_date, false)
            as found_in_year,
        count(*) as persons,
        -- whether the optional columns are filled at all: aggregates, not keys, so the groups stay as few
        bool_or(info_verified is not null) as info_verified_filled,
        bool_or(last_face_check_date is not null) as face_check_filled,
        bool_or(employment_support is not null) as employment_support_filled,
        bool_or(reported is not null) as reported_filled
    from fact_registry
    group by all
),

classified as (
    select
        profiled.*,
        control_status not in ('abstinent_3y', 'deceased', 'emigrated') as existing,
        control_status not in ('abstinent_3y', 'deceased', 'emigrated', 'compulsory', 'detained') as at_large,
        control_status in ('community_detox', 'community_rehab') as community
    from profiled
),

by_township as (
    select
        snapshot_date,
        township_code,
        sum(persons) as registered,
        coalesce(sum(persons) filter (where existing), 0) as existing_users,
        coalesce(sum(persons) filter (where control_status = 'abstinent_3y'), 0) as abstinent_3y,
        coalesce(sum(persons) filter (where control_status = 'deceased'), 0) as deceased,
        coalesce(sum(persons) filter (where control_status = 'emigrated'), 0) as emigrated,
        coalesce(sum(persons) filter (where control_status = 'community_detox'), 0) as community_detox,
        coalesce(sum(persons) filter (where control_status = 'community_rehab'), 0) as community_rehab,
        coalesce(sum(persons) filter (where control_status = 'compulsory'), 0) as compulsory,
        coalesce(sum(persons) filter (where control_status = 'detained'), 0) as detained,
        coalesce(sum(persons) filter (where control_status = 'out_of_control'), 0) as out_of_control,
        coalesce(sum(persons) filter (where control_status = 'other'), 0) as other_status,
        coalesce(sum(persons) filter (where at_large), 0) as at_large,
        coalesce(sum(persons) filter (where found_in_quarter), 0) as newly_found_quarter,
        coalesce(sum(persons) filter (where found_in_year), 0) as newly_found_year,
        coalesce(sum(persons) filter (where at_large and face_checked), 0) as face_checked,
        coalesce(sum(persons) filter (where at_large and info_verified), 0) as info_verified,
        coalesce(sum(persons) filter (where community), 0) as community_ordered,
        coalesce(sum(persons) filter (where community and reported), 0) as community_reported,
        coalesce(sum(persons) filter (where control_status = 'community_detox' and reported), 0) as detox_reported,
        coalesce(sum(persons) filter (where control_status = 'community_rehab' and reported), 0) as rehab_reported,
        coalesce(sum(persons) filter (where existing and risk_level = 'high'), 0) as risk_high,
        coalesce(sum(persons) filter (where existing and risk_level = 'medium'), 0) as risk_medium,
        coalesce(sum(persons) filter (where existing and risk_level = 'low'), 0) as risk_low,
        coalesce(sum(persons) filter (where existing and risk_level is null), 0) as risk_unknown,
        coalesce(sum(persons) filter (where existing and sex = 'male'), 0) as male,
        coalesce(sum(persons) filter (where existing and sex = 'female'), 0) as female,
        coalesce(sum(persons) filter (where existing and age_band = 'under_18'), 0) as age_under_18,
        coalesce(sum(persons) filter (where existing and age_band = '18_34'), 0) as age_18_34,
        coalesce(sum(persons) filter (where existing and age_band = '35_plus'), 0) as age_35_plus,
        coalesce(sum(persons) filter (where existing and age_band = 'unknown'), 0) as age_unknown,
        coalesce(sum(persons) filter (where existing and is_student), 0) as students,
        coalesce(sum(persons) filter (where existing and age_band = 'under_18'), 0) as minors,
        coalesce(sum(persons) filter (where community and employment_support), 0) as employment_support
    from classified
    group by snapshot_date, township_code
),

workers as (   -- a second, narrow pass: case workers would multiply the profile's groups
    select distinct snapshot_date, township_code, case_worker_id
    from fact_registry
    where case_worker_id is not null
),

recorded as (
    select
        profiled.snapshot_date,
        bool_or(face_check_filled) as face_check_recorded,
        bool_or(info_verified_filled) as info_verified_recorded,
        bool_or(employment_support_filled) as employment_support_recorded,
        bool_or(reported_filled) as reported_recorded,
        any_value(worker_snapshots.snapshot_date) is not null as case_worker_recorded
    from profiled
    left join (select distinct snapshot_date from workers) as worker_snapshots using (snapshot_date)
    group by profiled.snapshot_date
),

worker_counts as (
    select snapshot_date, township_code, count(*) as case_workers from workers group by all
    union all
    select snapshot_date, '150823', count(distinct case_worker_id) from workers group by all
),

counted as (
    select snapshot_date, township_code, columns(* exclude (snapshot_date, township_code))::bigint
    from (
        select * from by_township
        union all
        select snapshot_date, '150823', sum(columns(* exclude (snapshot_date, township_code)))
        from by_township
        group by snapshot_date
    )
),

places as (
    select snapshots.snapshot_date, places.township_code
    from (select distinct snapshot_date from profiled) as snapshots
    cross join (
        select code as township_code from ref_townships
        union
        select distinct township_code from profiled
        union
        select '150823'
    ) as places
),

measures as (
    select
        places.snapshot_date,
        year(places.snapshot_date)::integer as year,
        year(places.snapshot_date) || 'Q' || quarter(places.snapshot_date) as quarter,
        places.township_code,
        case when places.township_code = '150823' then 'banner' else 'township' end as area_level,
        coalesce(registered, 0) as registered,
        coalesce(existing_users, 0) as existing_users,
        coalesce(abstinent_3y, 0) as abstinent_3y,
        coalesce(deceased, 0) as deceased,
        coalesce(emigrated, 0) as emigrated,
        coalesce(community_detox, 0) as community_detox,
        coalesce(community_rehab, 0) as community_rehab,
        coalesce(compulsory, 0) as compulsory,
        coalesce(detained, 0) as detained,
        coalesce(out_of_control, 0) as out_of_control,
        coalesce(other_status, 0) as other_status,
        coalesce(at_large, 0) as at_large,
        coalesce(newly_found_quarter, 0) as newly_found_quarter,
        coalesce(newly_found_year, 0) as newly_found_year,
        coalesce(face_checked, 0) as face_checked,
        recorded.face_check_recorded,
        recorded.info_verified_recorded,
        recorded.case_worker_recorded,
        recorded.employment_support_recorded,
        recorded.reported_recorded,
        case when recorded.face_check_recorded then 100.0 * face_checked / nullif(at_large, 0) end
            as face_check_rate,
        coalesce(info_verified, 0) as info_verified,
        case when recorded.info_verified_recorded then 100.0 * info_verified / nullif(at_large, 0) end
            as info_verified_rate,
        coalesce(community_ordered, 0) as community_ordered,
        coalesce(community_reported, 0) as community_reported,
        case when recorded.reported_recorded then 100.0 * community_reported / nullif(community_ordered, 0) end
            as community_execution_rate,
        case when recorded.reported_recorded then 100.0 * detox_reported / nullif(community_detox, 0) end
            as detox_execution_rate,
        case when recorded.reported_recorded then 100.0 * rehab_reported / nullif(community_rehab, 0) end
            as rehab_execution_rate,
        coalesce(worker_counts.case_workers, 0) as case_workers,
        existing_users / nullif(worker_counts.case_workers, 0) as users_per_case_worker_existing,
        (registered - deceased - emigrated) / nullif(worker_counts.case_workers, 0)
            as users_per_case_worker_registered,
        community_ordered / nullif(worker_counts.case_workers, 0) as users_per_case_worker_community,
        coalesce(case getvariable('staff_ratio_base')    -- a township nobody is registered in has no counts: 0
            when 'registered' then registered - deceased - emigrated
            when 'community' then community_ordered
            else existing_users
        end, 0) as staff_ratio_users,
        case getvariable('staff_ratio_base')
            when 'registered' then users_per_case_worker_registered
            when 'community' then users_per_case_worker_community
            else users_per_case_worker_existing
        end as users_per_case_worker,
        coalesce(risk_high, 0) as risk_high,
        coalesce(risk_medium, 0) as risk_medium,
        coalesce(risk_low, 0) as risk_low,
        coalesce(risk_unknown, 0) as risk_unknown,
        coalesce(male, 0) as male,
        coalesce(female, 0) as female,
        100.0 * male / nullif(existing_users, 0) as male_share,
        coalesce(age_under_18, 0) as age_under_18,
        coalesce(age_18_34, 0) as age_18_34,
        coalesce(age_35_plus, 0) as age_35_plus,
        coalesce(age_unknown, 0) as age_unknown,
        100.0 * age_35_plus / nullif(existing_users, 0) as age_35_plus_share,
        coalesce(students, 0) as students,
        coalesce(minors, 0) as minors,
        coalesce(employment_support, 0) as employment_support,
        case when places.township_code = '150823' then lines.banner_line else lines.township_line end
            as listing_threshold,
        coalesce(existing_users, 0) > case when places.township_code = '150823' then lines.banner_line
                                           else lines.township_line end as over_listing_threshold
    from places
    left join counted using (snapshot_date, township_code)
    left join worker_counts using (snapshot_date, township_code)
    left join recorded using (snapshot_date)
    cross join lines
),

final as (
    select
        *,
        case when face_check_recorded then coalesce(face_check_rate, 100) end as face_check_input,
        case when info_verified_recorded then coalesce(info_verified_rate, 100) end as info_verified_input,
        case
            when not case_worker_recorded and staff_ratio_users > 0 then null
            when staff_ratio_users = 0 then 0
            when case_workers = 0 then 'infinity'::double
            else users_per_case_worker
        end as users_per_case_worker_input
    from measures
)

select * from final
order by snapshot_date, township_code;
