-- A payment (not a down payment) cleared an invoice before the invoice existed.
select
    payment.case_id,
    'payment_before_invoice' as rule,
    payment.event_id,
    invoice.event_id as related_event_id,
    'invoice ' || invoice.invoice_id || ' cleared at ' || payment.event_at::varchar
    || ', created at ' || invoice.event_at::varchar as detail,
    payment.event_at as detected_at
from marts.fct_o2c_events as payment
inner join marts.fct_o2c_events as invoice
    on
        payment.case_id = invoice.case_id
        and payment.invoice_id = invoice.invoice_id
        and invoice.activity = 'Create Invoice'
where
    payment.activity = 'Receive Payment'
    and payment.event_at < invoice.event_at
