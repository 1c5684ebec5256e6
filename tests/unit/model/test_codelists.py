"""Codelists: docs/DOMAIN.md's keys, Dutch labels, routes, and the user's additions."""

from __future__ import annotations

import pytest

from app.model.codelists import CodelistError, default_codelists, load_codelists
from app.model.errors import ValidationFailed
from app.model.events import validate_payload

DOMAIN_KEYS = {
    "route": "maatschappelijke_partner belastingdienst dienst_toeslagen ibtd overig",
    "service": "belastingdienst dienst_toeslagen",
    "topic": "inkomstenbelasting loonheffingen omzetbelasting vennootschapsbelasting "
             "motorrijtuigenbelasting erf_schenkbelasting invordering betalingsregeling "
             "kwijtschelding boete huurtoeslag zorgtoeslag kinderopvangtoeslag "
             "kindgebonden_budget terugvordering_toeslag herstel_toeslagen "
             "dienstverlening_communicatie overig",
    "target_group": "burger zzp mkb_ondernemer overig",
    "other_body": "gemeente uwv svb cjib duo cak zorgverzekeraar schuldeiser overig",
    "running_procedure": "bezwaar beroep klacht dwanginvordering beslag terugvordering "
                         "betalingsregeling herziening",
    "route_tried": "belastingtelefoon klacht bezwaar bd_lrh stella nationale_ombudsman "
                   "sociaal_raadslieden",
    "claim_band": "tot_1000 1000_5000 5000_20000 boven_20000 onbekend",
    "consent": "toestemming machtiging niet_nodig onbekend",
    "triage_reason": "vastgelopen_casus spoed_ingrijpende_gevolgen buiten_taak "
                     "reguliere_route_niet_doorlopen loopt_elders niet_vastgelopen capaciteit "
                     "overig",
    "referred_to": "bd_lrh bd_stella bd_klachten dienst_toeslagen nationale_ombudsman "
                   "juridisch_loket sociaal_raadslieden schuldhulpverlening gemeente ibtd "
                   "bd_overig uht overig",
    "ground": "hardheidsclausule evenredigheid_awb_3_4 afwijkingsbevoegdheid_awb_4_84 "
              "ambtshalve_vermindering maatwerk_betalingsregeling kwijtschelding coulance "
              "overig",
    "signal_theme": "complexe_wetgeving dienstverlening invordering_schulden processen_ict "
                    "onbedoelde_hardheid overig",
    "signal_recipient": "ksms_belastingdienst dienst_toeslagen ibtd ministerie_beleid "
                        "rapportage_kamer overig",
    "triage_decision": "in_behandeling doorverwezen niet_in_behandeling",
    "service_response": "overgenomen deels_overgenomen gemotiveerd_afgewezen",
    "outcome": "opgelost deels_opgelost niet_opgelost ingetrokken",
    "power": "regiefunctie doorzettingsmacht gegevenstoegang",
    "powers_sufficient": "ja deels nee",
    "escalation_level": "teamleider afdelingshoofd directeur directeur_generaal",
    "deadline_kind": "bezwaartermijn beroepstermijn beslistermijn betalingstermijn overig",
    "deadline_result": "gehaald verstreken",
    "informed_about": "ontvangst triagebesluit tussenstand uitkomst",
    "signal_response_status": "overgenomen in_behandeling niet_overgenomen",
    "known_to_service": "ja nee onbekend",
}
ROUTES = {
    "maatschappelijke_partner": "sociaal_raadslieden financiele_hulpverlening sociaal_werk "
                                "belastingadviseur rechtshulp gemeente vrijwilligers "
                                "overig_maatschappelijk",
    "belastingdienst": "bd_lrh bd_stella bd_klachten bd_belastingtelefoon bd_overig",
    "dienst_toeslagen": "dt_klachten dt_herstel dt_overig",
    "ibtd": "ibtd",
    "overig": "nationale_ombudsman kamerlid burger_rechtstreeks overig",
}


@pytest.mark.parametrize("name", sorted(DOMAIN_KEYS))
def test_every_domain_codelist_has_exactly_its_keys_in_order(name):
    assert default_codelists().keys(name) == DOMAIN_KEYS[name].split()


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_partner_types_belong_to_their_route(route):
    assert default_codelists().partner_types_for_route(route) == ROUTES[route].split()


def test_labels_are_spelled_as_the_office_writes_them():
    cl = default_codelists()
    assert cl.label("target_group", "zzp") == "Zzp'er"
    assert cl.label("target_group", "mkb_ondernemer") == "Mkb-ondernemer"
    assert cl.label("topic", "erf_schenkbelasting") == "Erf- en schenkbelasting"
    assert cl.label("escalation_level", "directeur_generaal") == "Directeur-generaal"
    assert cl.level_rank("directeur") > cl.level_rank("afdelingshoofd")


def test_override_adds_to_extendable_lists_and_is_used_by_validation(tmp_path):
    override = tmp_path / "codelists.toml"
    override.write_text(
        '[partner_type.items]\n'
        'wijkteam = { label = "Wijkteam", route = "maatschappelijke_partner" }\n'
        '[topic.items]\n'
        'toeslagenpartner = "Toeslagpartner"\n'
        'boete = { label = "Boete (oud)", active = false }\n', encoding="utf-8")
    cl = load_codelists(override)
    assert "wijkteam" in cl.partner_types_for_route("maatschappelijke_partner")
    assert "boete" in cl["topic"] and "boete" not in cl.keys("topic", active_only=True)
    data = {"received_on": "2025-03-04", "route": "maatschappelijke_partner",
            "partner_type": "wijkteam", "services": ["dienst_toeslagen"],
            "topics": ["toeslagenpartner", "boete"], "target_group": "burger",
            "summary": "Samenvatting."}
    assert validate_payload("registered", data, cl)["partner_type"] == "wijkteam"
    with pytest.raises(ValidationFailed, match="wijkteam"):
        validate_payload("registered", data)  # the shipped lists do not know it


def test_fixed_lists_cannot_be_extended(tmp_path):
    override = tmp_path / "codelists.toml"
    override.write_text('[outcome.items]\nhalf_opgelost = "Half"\n', encoding="utf-8")
    with pytest.raises(CodelistError, match="ligt vast"):
        load_codelists(override)


def test_a_broken_override_file_gets_a_clear_message(tmp_path):
    override = tmp_path / "codelists.toml"
    override.write_text("[route.items\n", encoding="utf-8")
    with pytest.raises(CodelistError, match="geen geldig TOML"):
        load_codelists(override)
    override.write_text('[partner_type.items]\nx = "Zonder route"\n', encoding="utf-8")
    with pytest.raises(CodelistError, match="geen route"):
        load_codelists(override)


def test_triage_reasons_per_decision_cover_every_reason():
    from app.model.codelists import TRIAGE_REASONS

    cl = default_codelists()
    assert set(TRIAGE_REASONS) == set(cl.keys("triage_decision"))
    shipped = set(cl.keys("triage_reason"))
    for decision, reasons in TRIAGE_REASONS.items():
        assert set(reasons) <= shipped, decision
        assert "overig" in reasons
        assert cl.triage_reasons_for(decision) == [k for k in cl.keys("triage_reason")
                                                   if k in reasons]
    assert set().union(*TRIAGE_REASONS.values()) == shipped  # each fits some decision
    assert "vastgelopen_casus" in TRIAGE_REASONS["in_behandeling"]
    assert "vastgelopen_casus" not in TRIAGE_REASONS["niet_in_behandeling"]
    assert cl.triage_reasons_for(None) == cl.keys("triage_reason", active_only=True)


def test_an_office_reason_fits_every_decision(tmp_path):
    override = tmp_path / "codelists.toml"
    override.write_text('[triage_reason]\nitems.wachtlijst = "Wachtlijst"\n', encoding="utf-8")
    cl = load_codelists(override)
    for decision in cl.keys("triage_decision"):
        assert "wachtlijst" in cl.triage_reasons_for(decision)
