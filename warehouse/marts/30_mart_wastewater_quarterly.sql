-- Wastewater by quarter and substance for each site, each township and the whole banner (domain.md §3).
--
-- A site's quarter is the mean of its daily normalised loads (mg/day/1000) in that quarter. A township or the
-- banner is the population-weighted mean of its sites' quarterly means: Σ mean × population ÷ Σ population,
-- the population being each site's mean population served in the quarter. Weekday (Tue–Thu) and weekend
-- (Fri–Mon) means follow the same rule over the sites that have such samples.
--
-- Year on year: against the same quarter of the previous year (quarter_index − 4).
-- Level: the share of the area's previous `level_history_quarters` quarters whose mean is strictly below this
-- quarter's (level_percentile, 0–100), named by domain/wastewater_levels.csv (the level whose from_percentile
-- is the highest one ≤ level_percentile: exactly 75 is high, exactly 100 — above every earlier quarter — is
-- highest); fewer than `level_min_history_quarters` earlier quarters gives 'limited_data'.
-- Trend: least-squares slope of ln(mean load) on the quarter index over the last `trend_window_quarters`
-- quarters up to this one (quarters with a zero mean are left out, a logarithm needs a load). Significant when
-- |t| = |slope ÷ SE| is strictly above the two-sided Student t critical value for `trend_alpha` with n − 2
-- degrees of freedom (ref_t_critical): then 'rising' or 'falling', otherwise 'plateau'; fewer than
-- `trend_min_quarters` quarters with a load gives 'insufficient_data'.
-- Consumption estimate (optional, mg/day/1000): load read as use × the correction factor of
-- domain/correction_factors.csv, which names its source (shown with the factor in mart_wastewater_substances);
-- null where the table has no factor.
create or replace table mart_wastewater_quarterly as
with loads as (
    select * from mart_wastewater_loads
),

substances as (
    select code, wastewater_readable = 'true' as readable_as_use, abuse_marker = 'true' as abuse_marker
    from ref_substances
),

factors as (
    select measured_substance, estimated_drug, cf::double as cf
    from ref_correction_factors
),

t_critical as (
    select df, t_critical from ref_t_critical
),

levels as (
    select
        level,
        from_percentile::double as from_percentile,
        coalesce(lead(from_percentile::double) over (order by from_percentile::double), 'infinity') as to_percentile
    from ref_wastewater_levels
),

site_quarter as (
    select
        year,
        quarter,
        year * 4 + quarter(sample_date) - 1 as quarter_index,
        site_id,
        substance,
        arg_max(site_name, sample_date) as site_name,
        arg_max(township_code, sample_date) as township_code,
        count(*) as samples,
        count(*) filter (where below_loq) as samples_below_loq,
        count(*) filter (where day_class = 'weekday') as weekday_samples,
        count(*) filter (where day_class = 'weekend') as weekend_samples,
        avg(population_served) as population_served,
        avg(load_mg_day_per_1000) as mean_load,
        avg(load_use_mg_day_per_1000) as mean_load_use,
        avg(load_mg_day_per_1000) filter (where day_class = 'weekday') as weekday_mean,
        avg(load_mg_day_per_1000) filter (where day_class = 'weekend') as weekend_mean
    from loads
    group by year, quarter, quarter_index, site_id, substance
),

areas as (
    select
        year,
        quarter,
        quarter_index,
        case when grouping(township_code) = 1 then 'banner' else 'township' end as area_level,
        case when grouping(township_code) = 1 then '150823' else township_code end as area_code,
        null::varchar as site_id,
        null::varchar as site_name,
        case when grouping(township_code) = 1 then '150823' else township_code end as township_code,
        substance,
        count(*) as sites,
        sum(samples) as samples,
        sum(samples_below_loq) as samples_below_loq,
        sum(weekday_samples) as weekday_samples,
        sum(weekend_samples) as weekend_samples,
        sum(population_served) as population_served,
        sum(mean_load * population_served) / sum(population_served) as mean_load,
        sum(mean_load_use * population_served) / sum(population_served) as mean_load_use,
        sum(weekday_mean * population_served) filter (where weekday_mean is not null)
            / sum(population_served) filter (where weekday_mean is not null) as weekday_mean,
        sum(weekend_mean * population_served) filter (where weekend_mean is not null)
            / sum(population_served) filter (where weekend_mean is not null) as weekend_mean
    from site_quarter
    group by grouping sets ((year, quarter, quarter_index, substance, township_code),
                            (year, quarter, quarter_index, substance))
),

series as (
    select
        year, quarter, quarter_index, 'site' as area_level, site_id as area_code, site_id, site_name,
        township_code, substance, 1::bigint as sites, samples, samples_below_loq, weekday_samples,
        weekend_samples, population_served, mean_load, mean_load_use, weekday_mean, weekend_mean
    from site_quarter
    union all
    select
        year, quarter, quarter_index, area_level, area_code, site_id, site_name,
        township_code, substance, sites, samples, samples_below_loq, weekday_samples,
        weekend_samples, population_served, mean_load, mean_load_use, weekday_mean, weekend_mean
    from areas
),

-- Each quarter paired with the earlier quarters of its area and substance that the year-on-year comparison,
-- the trend window and the level history need (a join and one aggregate: cheaper than window frames here).
pairs as (
    select
        cur.area_level,
        cur.area_code,
        cur.substance,
        cur.quarter_index,
        cur.mean_load,
        earlier.quarter_index as earlier_index,
        earlier.mean_load as earlier_load,
        case when earlier.mean_load > 0 then ln(earlier.mean_load) end as earlier_log_load,
        earlier.quarter_index > cur.quarter_index - getvariable('trend_window_quarters') as in_trend,
        earlier.quarter_index between cur.quarter_index - getvariable('level_history_quarters')
                                  and cur.quarter_index - 1 as in_history
    from series as cur
    join series as earlier
        on earlier.area_level = cur.area_level
        and earlier.area_code = cur.area_code
        and earlier.substance = cur.substance
        and earlier.quarter_index between cur.quarter_index - greatest(getvariable('trend_window_quarters') - 1,
                                                                       getvariable('level_history_quarters'), 4)
                                      and cur.quarter_index
),

paired as (
    select
        area_level,
        area_code,
        substance,
        quarter_index,
        max(earlier_load) filter (where earlier_index = quarter_index - 4) as same_quarter_last_year,
        regr_count(earlier_log_load, earlier_index) filter (where in_trend)::integer as trend_points,
        regr_slope(earlier_log_load, earlier_index) filter (where in_trend) as trend_slope,
        regr_sxx(earlier_log_load, earlier_index) filter (where in_trend) as trend_sxx,
        regr_syy(earlier_log_load, earlier_index) filter (where in_trend) as trend_syy,
        regr_sxy(earlier_log_load, earlier_index) filter (where in_trend) as trend_sxy,
        count(*) filter (where in_history) as history_quarters,
        count(*) filter (where in_history and earlier_load < mean_load) as history_below
    from pairs
    group by area_level, area_code, substance, quarter_index
),

tested as (
    select
        series.*,
        paired.same_quarter_last_year,
        paired.trend_points,
        paired.trend_slope,
        paired.history_quarters,
        case
            when paired.history_quarters >= getvariable('level_min_history_quarters')
                then 100.0 * paired.history_below / paired.history_quarters
        end as level_percentile,
        case
            when paired.trend_points >= 3 and paired.trend_sxx > 0
                then sqrt(greatest(paired.trend_syy - paired.trend_slope * paired.trend_sxy, 0)
                          / (paired.trend_points - 2) / paired.trend_sxx)
        end as trend_se
    from series
    join paired using (area_level, area_code, substance, quarter_index)
),

classified as (
    select
        tested.*,
        t_critical.t_critical as trend_t_critical,
        case when trend_se > 0 then trend_slope / trend_se end as trend_t,
        case
            when trend_points < greatest(getvariable('trend_min_quarters'), 3) or trend_se is null
                then 'insufficient_data'
            when abs(trend_slope) > 1e-9
                 and (trend_se = 0 or abs(trend_slope) > t_critical.t_critical * trend_se)
                then case when trend_slope > 0 then 'rising' else 'falling' end
            else 'plateau'
        end as trend_class
    from tested
    left join t_critical on t_critical.df = least(tested.trend_points - 2, 1000)
),

leveled as (
    select
        classified.*,
        case when level_percentile is null then 'limited_data' else levels.level end as level
    from classified
    left join levels
        on classified.level_percentile >= levels.from_percentile
        and classified.level_percentile < levels.to_percentile
),

final as (
    select
        quarter,
        year,
        quarter_index,
        area_level,
        area_code,
        site_id,
        site_name,
        township_code,
        leveled.substance,
        sites,
        samples,
        samples_below_loq,
        population_served,
        mean_load as mean_load_per_1000,
        mean_load_use as mean_load_use_per_1000,
        weekday_samples,
        weekend_samples,
        weekday_mean as weekday_mean_per_1000,
        weekend_mean as weekend_mean_per_1000,
        same_quarter_last_year as same_quarter_last_year_per_1000,
        case
            when same_quarter_last_year > 0 then 100.0 * (mean_load - same_quarter_last_year) / same_quarter_last_year
        end as yoy_change_pct,
        history_quarters,
        level_percentile,
        level,
        trend_points,
        case when trend_class <> 'insufficient_data' then trend_slope end as trend_slope_per_quarter,
        case when trend_class <> 'insufficient_data' then 100 * (exp(4 * trend_slope) - 1) end
            as trend_change_pct_per_year,
        case when trend_class <> 'insufficient_data' then trend_t end as trend_t,
        case when trend_class <> 'insufficient_data' then trend_t_critical end as trend_t_critical,
        trend_class,
        factors.estimated_drug as consumption_drug,
        factors.cf as correction_factor,
        mean_load_use * factors.cf as consumption_mg_day_per_1000,
        coalesce(substances.readable_as_use, true) as readable_as_use,
        coalesce(substances.abuse_marker, true) as abuse_marker
    from leveled
    left join substances on substances.code = leveled.substance
    left join factors on factors.measured_substance = leveled.substance
)

-- No `order by`: readers filter by area and substance and order themselves (sorting costs a sixth of the build).
select * from final;
