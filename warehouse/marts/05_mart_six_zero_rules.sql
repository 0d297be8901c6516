-- The checks of the six zero targets (domain/targets.csv) as the marts that judge them read them: the banner's
-- board every year (mart_six_zero_checks) and each township's registry checks (mart_township_checks).
--
-- check_passes(value, operator, threshold): the one comparison both judge a value by, a macro stored in the
-- warehouse (marts are built on several connections, which a temporary macro would not reach): "> 95" fails at
-- exactly 95, "<= 20" passes at exactly 20, "<= 60" passes at exactly 60; null without a value.
-- check_order: the row's place in targets.csv.
-- for_townships: the check applies to one township: the registry checks of scope 'township' and those of the
-- banner, but the banner's listing line (registry:existing_users at scope banner: 500 users is no line for a
-- township, whose line is the 'township' row).
create or replace macro check_passes(value, operator, threshold) as
    case operator
        when '>=' then value >= threshold
        when '>' then value > threshold
        when '<=' then value <= threshold
        when '<' then value < threshold
        when '=' then value = threshold
    end;

create or replace table mart_six_zero_rules as
select
    target,
    "check",
    input,
    operator,
    threshold::double as threshold,
    scope,
    clause,
    clause_text,
    accrues = 'yes' as accrues,
    description_zh,
    description_en,
    row_number() over () as check_order,
    input like 'registry:%' and (scope = 'township' or input <> 'registry:existing_users') as for_townships
from ref_targets;
