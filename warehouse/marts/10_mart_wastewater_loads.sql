-- Normalised residue loads per sample and substance (SCORE / EUDA method, domain.md §3).
-- load (mg/day) = concentration (ng/L) × flow (m³/day) ÷ 1000
-- load per 1000 inhabitants = load ÷ (population served ÷ 1000)
-- Below LOQ: the setting below_loq_rule ('zero', EUDA, default; or 'half_loq', CDC) decides the value used;
-- the below_loq flag always stays so that no such row passes for a measurement.
-- Load read as use: amphetamine minus amphetamine_from_meth_share × the methamphetamine load of the same sample
-- (floored at 0; nothing subtracted when the sample has no methamphetamine result); null for substances
-- wastewater cannot read as use (caffeine, cotinine; 安钠咖 is not measurable at all).
-- A view (one row per fact row, cheap to compute, costly to store): it reads the settings the warehouse was
-- built with from ref_settings, since a reader's connection has no build-time variables.
create or replace view mart_wastewater_loads as
with samples as (
    select * from fact_wastewater
),

substances as (
    select code, wastewater_readable = 'true' as readable, abuse_marker = 'true' as abuse_marker
    from ref_substances
),

valued as (
    select
        samples.*,
        case
            when not below_loq then concentration_ng_l
            when (select value from ref_settings where setting = 'below_loq_rule') = 'half_loq' then coalesce(loq_ng_l / 2, 0)
            else 0
        end as concentration_used
    from samples
),

loaded as (
    select
        valued.*,
        concentration_used * flow_m3_d / 1000 as load_mg_day,
        concentration_used * flow_m3_d / 1000 / (population_served / 1000) as load_mg_day_per_1000
    from valued
),

-- The methamphetamine load of each sample: grouped and joined back (a window over every row costs twice as much).
meth as (
    select sample_id, sample_date, site_id, max(load_mg_day_per_1000) as meth_load_per_1000
    from loaded
    where substance = 'methamphetamine'
    group by sample_id, sample_date, site_id
),

with_meth as (
    select
        loaded.*,
        meth.meth_load_per_1000
    from loaded
    left join meth
        on meth.sample_id is not distinct from loaded.sample_id
        and meth.sample_date is not distinct from loaded.sample_date
        and meth.site_id is not distinct from loaded.site_id
),

final as (
    select
        sample_date,
        year(sample_date)::integer as year,
        year(sample_date) || 'Q' || quarter(sample_date) as quarter,
        case when isodow(sample_date) between 2 and 4 then 'weekday' else 'weekend' end as day_class,
        site_id,
        site_name,
        township_code,
        substance,
        below_loq,
        concentration_used as concentration_ng_l,
        concentration_ng_l as concentration_measured_ng_l,
        loq_ng_l,
        flow_m3_d,
        population_served,
        load_mg_day,
        load_mg_day_per_1000,
        case
            when not coalesce(substances.readable, true) or not coalesce(substances.abuse_marker, true) then null
            when substance = 'amphetamine'
                then greatest(load_mg_day_per_1000
                              - (select value::double from ref_settings where setting = 'amphetamine_from_meth_share') * coalesce(meth_load_per_1000, 0), 0)
            else load_mg_day_per_1000
        end as load_use_mg_day_per_1000,
        coalesce(substances.readable, true) as readable_as_use,
        coalesce(substances.abuse_marker, true) as abuse_marker,
        sample_id
    from with_meth
    left join substances on substances.code = with_meth.substance
)

-- No `order by`: at national scale sorting ~100k rows costs a fifth of this mart's build; readers order.
select * from final;
