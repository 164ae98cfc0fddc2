-- Goods issue posted while a credit or delivery block was set.
select distinct on (goods_issue.event_id)
    goods_issue.case_id,
    'goods_issue_while_blocked' as rule,
    goods_issue.event_id,
    blocks.event_id as related_event_id,
    'goods issue at ' || goods_issue.event_at::varchar || ' while the ' || blocks.block
    || ' block set at ' || blocks.set_at::varchar || ' was set' as detail,
    goods_issue.event_at as detected_at
from marts.fct_o2c_events as goods_issue
inner join case_blocks as blocks
    on
        goods_issue.case_id = blocks.case_id
        and blocks.block in ('credit', 'delivery')
        and goods_issue.event_at > blocks.set_at
        and (blocks.removed_at is null or goods_issue.event_at < blocks.removed_at)
where goods_issue.activity = 'Post Goods Issue'
order by goods_issue.event_id, blocks.set_at
