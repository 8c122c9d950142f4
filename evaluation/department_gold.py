"""Gold department maps used by ``department_quality.py``, written down before any score was computed.

* ``BANKING77_DEPARTMENTS``: each of the 77 Banking77 intents -> the department of
  ``models/taxonomy/bank.yaml`` that would own the fix, by the boundaries in that file's
  ``language_note`` (a fee = fees; an unrecognised payment, lost / stolen card or phone, duplicate
  charge or merchant refund = disputes_fraud; money in = deposits_topup, money out = payments; ...).
  ``customer_service`` and ``lending`` exist in the taxonomy (a bank has them) but own no intent.
* ``JDDC_GROUPS``: the JDDC business groups of ``uss_satisfaction_en/JDDC-ActionList.txt`` that have
  an owner in ``models/taxonomy/ecommerce.yaml``; 价保 (price protection: finance or marketing),
  评价 (reviews), 预定 (travel booking) and other have none and are left out.
* ``ASAP_GROUPS``: the ASAP aspect groups (the prefix of the 18 aspect columns) -> departments of
  ``models/taxonomy/restaurant.yaml``; a review is labelled only when all its negative aspects fall
  in one group.
"""

from __future__ import annotations

BANKING77_DEPARTMENTS: dict[str, str] = {
    # cards: the card itself (18 intents)
    "card_arrival": "cards",
    "card_delivery_estimate": "cards",
    "card_linking": "cards",
    "card_not_working": "cards",
    "activate_my_card": "cards",
    "pin_blocked": "cards",
    "change_pin": "cards",
    "contactless_not_working": "cards",
    "getting_virtual_card": "cards",
    "get_physical_card": "cards",
    "order_physical_card": "cards",
    "getting_spare_card": "cards",
    "get_disposable_virtual_card": "cards",
    "disposable_card_limits": "cards",
    "virtual_card_not_working": "cards",
    "card_about_to_expire": "cards",
    "visa_or_mastercard": "cards",
    "card_acceptance": "cards",
    # payments: money out / between people (11)
    "cancel_transfer": "payments",
    "transfer_not_received_by_recipient": "payments",
    "declined_transfer": "payments",
    "pending_transfer": "payments",
    "transfer_timing": "payments",
    "beneficiary_not_allowed": "payments",
    "failed_transfer": "payments",
    "receiving_money": "payments",
    "pending_card_payment": "payments",
    "declined_card_payment": "payments",
    "reverted_card_payment?": "payments",
    # deposits_topup: money in (12)
    "automatic_top_up": "deposits_topup",
    "pending_top_up": "deposits_topup",
    "top_up_limits": "deposits_topup",
    "top_up_reverted": "deposits_topup",
    "topping_up_by_card": "deposits_topup",
    "top_up_failed": "deposits_topup",
    "verify_top_up": "deposits_topup",
    "top_up_by_cash_or_cheque": "deposits_topup",
    "balance_not_updated_after_bank_transfer": "deposits_topup",
    "balance_not_updated_after_cheque_or_cash_deposit": "deposits_topup",
    "transfer_into_account": "deposits_topup",
    "supported_cards_and_currencies": "deposits_topup",
    # atm_cash (5)
    "atm_support": "atm_cash",
    "card_swallowed": "atm_cash",
    "pending_cash_withdrawal": "atm_cash",
    "declined_cash_withdrawal": "atm_cash",
    "wrong_amount_of_cash_received": "atm_cash",
    # fx (5)
    "exchange_rate": "fx",
    "exchange_via_app": "fx",
    "fiat_currency_support": "fx",
    "card_payment_wrong_exchange_rate": "fx",
    "wrong_exchange_rate_for_cash_withdrawal": "fx",
    # fees (7)
    "extra_charge_on_statement": "fees",
    "card_payment_fee_charged": "fees",
    "top_up_by_bank_transfer_charge": "fees",
    "transfer_fee_charged": "fees",
    "top_up_by_card_charge": "fees",
    "cash_withdrawal_charge": "fees",
    "exchange_charge": "fees",
    # disputes_fraud (9)
    "card_payment_not_recognised": "disputes_fraud",
    "direct_debit_payment_not_recognised": "disputes_fraud",
    "cash_withdrawal_not_recognised": "disputes_fraud",
    "compromised_card": "disputes_fraud",
    "lost_or_stolen_card": "disputes_fraud",
    "lost_or_stolen_phone": "disputes_fraud",
    "transaction_charged_twice": "disputes_fraud",
    "request_refund": "disputes_fraud",
    "Refund_not_showing_up": "disputes_fraud",
    # accounts_kyc (8)
    "why_verify_identity": "accounts_kyc",
    "unable_to_verify_identity": "accounts_kyc",
    "verify_my_identity": "accounts_kyc",
    "verify_source_of_funds": "accounts_kyc",
    "age_limit": "accounts_kyc",
    "edit_personal_details": "accounts_kyc",
    "terminate_account": "accounts_kyc",
    "country_support": "accounts_kyc",
    # digital_app (2)
    "passcode_forgotten": "digital_app",
    "apple_pay_or_google_pay": "digital_app",
}

JDDC_GROUPS: dict[str, str] = {
    "配送": "logistics",
    "退换": "after_sales",
    "发票": "finance",
    "支付": "finance",
    "客服": "customer_service",
    "产品咨询": "product",
    "bug": "it_app",
    "维修": "after_sales",
}

ASAP_GROUPS: dict[str, str] = {
    "dish": "kitchen",
    "service": "front_of_house",
    "price": "pricing_marketing",
    "environment": "facilities",
    "location": "location_access",
}
