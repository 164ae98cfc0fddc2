-- An invoice bills a delivery whose goods issue had not been posted when it was created
-- (make-to-stock and make-to-order).
select
    invoice.case_id,
    'invoice_before_goods_issue' as rule,
    invoice.event_id,
    goods_issue.event_id as related_event_id,
    'invoice ' || invoice.invoice_id || ' bills delivery ' || item.reference_document_id
    || coalesce(' before its goods issue at ' || goods_issue.event_at::varchar,
                ' whose goods issue was never posted') as detail,
    invoice.event_at as detected_at
from marts.fct_o2c_events as invoice
inner join marts.dim_o2c_cases as cases
    on invoice.case_id = cases.case_id
inner join staging.stg_sap__billing_document_items as item
    on
        invoice.invoice_id = item.billing_document_id
        and invoice.sales_order_id = item.sales_document_id
        and invoice.sales_order_item_id = item.sales_document_item_id
left join marts.fct_o2c_events as goods_issue
    on
        invoice.case_id = goods_issue.case_id
        and goods_issue.activity = 'Post Goods Issue'
        and goods_issue.delivery_id = item.reference_document_id
where
    invoice.activity = 'Create Invoice'
    and cases.fulfilment_model in ('make_to_stock', 'make_to_order')
    and item.reference_document_id <> item.sales_document_id
    and (goods_issue.event_at is null or goods_issue.event_at > invoice.event_at)
