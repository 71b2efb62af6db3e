// A report as the phone keeps it, and the body the API is sent. Offered and present are derived from
// the tally, so the arithmetic the server checks can never be wrong.
// The words the volunteer sees are catalogue keys (i18n.js): the screens say them with t().
import { t } from "./i18n.js";

export const TALLY = [
  ["seen", "tally.seen"], ["refused", "tally.refused"], ["not_offered", "tally.not_offered"],
  ["unavailable", "tally.unavailable"], ["observed", "tally.observed"],
];

export const PROFILE = {
  gender: { label: "profile.gender", values: [["female", "profile.female"], ["male", "profile.male"], ["other", "profile.other"]] },
  age_group: { label: "profile.age", values: [["juvenile", "profile.juvenile"], ["adult", "profile.adult"]] },
};

export const CHECKS = [
  ["cells_clean", "check.cells_clean"], ["kitchen_clean", "check.kitchen_clean"], ["yard_clean", "check.yard_clean"],
  ["food_in_date", "check.food_in_date"], ["hygiene_products_offered", "check.hygiene_products_offered"],
  ["female_officer_available", "check.female_officer_available"],
];

export const ANIMAL_CHECKS = [
  ["records_checked", "animal.records_checked"], ["kennels_observed", "animal.kennels_observed"],
  ["vehicles_observed", "animal.vehicles_observed"], ["training_observed", "animal.training_observed"],
];

// Version 1.1 of the contract. What the volunteer sees of each outcome; an animal visit is never remote.
export const OUTCOMES = [
  ["completed", "outcome.completed"], ["remote", "outcome.remote"], ["access_refused", "outcome.access_refused"],
  ["abandoned", "outcome.abandoned"],
];
export const ANIMAL_OUTCOMES = OUTCOMES.filter(([value]) => value !== "remote");
// Not admitted to the suite: no "We are in", so no admission time and no access delay.
export const NOT_ADMITTED = ["remote", "access_refused"];
export const REASON_LABELS = {
  remote: "outcome.why_remote", access_refused: "outcome.why_refused", abandoned: "outcome.why_abandoned",
};

export const RANKS = [
  ["sergeant", "rank.sergeant"], ["inspector", "rank.inspector"], ["chief_inspector", "rank.chief_inspector"],
  ["superintendent_or_above", "rank.superintendent_or_above"], ["not_given", "rank.not_given"],
];

// The five needs of the Animal Welfare Act 2006, s9.
export const WELFARE_NEEDS = [
  ["environment", "welfare.environment", "welfare.environment_hint"],
  ["diet", "welfare.diet", "welfare.diet_hint"],
  ["behaviour", "welfare.behaviour", "welfare.behaviour_hint"],
  ["company", "welfare.company", "welfare.company_hint"],
  ["health", "welfare.health", "welfare.health_hint"],
];
export const WELFARE_STATES = [["met", "welfare.met"], ["concern", "welfare.concern"], ["not_checked", "welfare.not_checked"]];

// Counts of the custody suite with their upper limit: never more than the detainees present or seen.
export const LIMITED = [
  ["juveniles_present", "limited.juveniles_present", "present"],
  ["vulnerable_present", "limited.vulnerable_present", "present"],
  ["custody_records_examined", "limited.custody_records_examined", "seen"],
];

// The fields a report gained with version 1.1, as a new report starts them. A report started by an
// older version of the app gets them when it is opened in the form again.
function additions(kind) {
  const fields = { outcome: "completed", outcome_reason: "" };
  if (kind === "custody") {
    Object.assign(fields, { delay_authorised_by_rank: "", tact: false, concern_raised: false, concern_details: "" });
    for (const [name] of LIMITED) fields[name] = 0;
  } else {
    fields.welfare_needs = Object.fromEntries(WELFARE_NEEDS.map(([need]) => [need, "not_checked"]));
  }
  return fields;
}

export function withAdditions(kind, fields) {
  return { ...additions(kind), ...fields };
}

export const admitted = (fields) => !NOT_ADMITTED.includes(fields.outcome);

export function newReport(kind, me) {
  const fields = {
    site: null, co_visitors: [], arrived_at: null, left_at: null, issues: [], comments: "",
  };
  if (kind === "custody") {
    Object.assign(fields, { admitted_at: null, delay_reason: "", seen_profile: {} });
    for (const [name] of TALLY) fields[name] = 0;
    for (const [name] of CHECKS) fields[name] = null;
  } else {
    fields.animals_seen = 0;
    for (const [name] of ANIMAL_CHECKS) fields[name] = false;
  }
  Object.assign(fields, additions(kind));
  return {
    client_uuid: crypto.randomUUID(), kind, state: "draft", user: me.id, fields, errors: {}, message: "",
    created: new Date().toISOString(),
  };
}

export function derived(fields) {
  const offered = fields.seen + fields.refused;
  return { offered, present: offered + fields.not_offered + fields.unavailable + fields.observed };
}

// The most a limited count may be, as the tally stands: LIMITED says of what.
export function limitOf(fields, of) {
  return of === "seen" ? fields.seen : derived(fields).present;
}

// Keeps every limited count within its limit after the tally went down, as the server will check.
export function clampLimited(fields) {
  for (const [name, , of] of LIMITED) fields[name] = Math.min(fields[name] || 0, limitOf(fields, of));
}

// Minutes from arrival to admission, a part-minute counting whole, as the server judges it.
export function accessDelay(fields) {
  if (!fields.arrived_at || !fields.admitted_at || !admitted(fields)) return null;
  return Math.ceil((new Date(fields.admitted_at) - new Date(fields.arrived_at)) / 60000);
}

export function accessBand(minutes, scheme) {
  if (minutes === null) return null;
  if (minutes <= scheme.immediate_access_minutes) return { code: "immediate", words: t("band.immediate") };
  if (minutes <= scheme.long_delay_minutes) {
    return { code: "6-15", words: t("band.between", { from: scheme.immediate_access_minutes + 1, to: scheme.long_delay_minutes }) };
  }
  return { code: "over-15", words: t("band.over", { minutes: scheme.long_delay_minutes }) };
}

// The same report always makes the same body, so a retry is answered 200, not 409.
export function payload(row) {
  const f = row.fields;
  const body = {
    client_uuid: row.client_uuid, site: f.site, visitors: [row.user, ...f.co_visitors],
    arrived_at: f.arrived_at, left_at: f.left_at, comments: f.comments, status: "submitted",
    issues: f.issues.map((i) => ({
      category: i.category, description: i.description, resolved_during_visit: i.resolved_during_visit,
    })),
  };
  // A report queued by the version 1 app is sent as it was made, so a retry of it is still the same.
  const v11 = "outcome" in f;
  // Not let in: nobody was seen, whatever the counters were left at before the outcome was chosen.
  const refused = f.outcome === "access_refused";
  const count = (n) => (refused ? 0 : n);
  // What the form hid for the outcome chosen is not sent, whatever was filled in before choosing it.
  const inside = !v11 || admitted(f);
  if (row.kind === "custody") {
    const { offered, present } = derived(f);
    Object.assign(body, {
      admitted_at: inside ? f.admitted_at : null, delay_reason: inside ? f.delay_reason : "",
      detainees_present: count(present), detainees_offered: count(offered), detainees_seen: count(f.seen),
      detainees_refused: count(f.refused), detainees_not_offered: count(f.not_offered),
      detainees_unavailable: count(f.unavailable), detainees_observed: count(f.observed),
    });
    const profile = {};
    for (const [dimension, counts] of Object.entries(refused ? {} : f.seen_profile)) {
      const kept = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
      if (Object.keys(kept).length) profile[dimension] = kept;
    }
    body.seen_profile = profile;
    for (const [name] of CHECKS) body[name] = inside ? f[name] : null;
    if (v11) {
      Object.assign(body, {
        delay_authorised_by_rank: f.delay_authorised_by_rank, tact: f.tact,
        concern: f.concern_raised ? { raised: true, details: f.concern_details } : { raised: false, details: "" },
      });
      for (const [name] of LIMITED) body[name] = count(f[name]);
    }
  } else {
    body.animals_seen = count(f.animals_seen);
    for (const [name] of ANIMAL_CHECKS) body[name] = refused ? false : f[name];
    if (v11) {
      body.welfare_needs = refused ? Object.fromEntries(WELFARE_NEEDS.map(([need]) => [need, "not_checked"]))
        : { ...f.welfare_needs };
    }
  }
  if (v11) Object.assign(body, { outcome: f.outcome, outcome_reason: f.outcome === "completed" ? "" : f.outcome_reason });
  return body;
}

// What the phone can tell before sending: the same rules the server keeps, said beside each field.
export function problems(row, scheme) {
  const f = row.fields;
  const found = {};
  const say = (field, message) => { (found[field] = found[field] || []).push(message); };
  if (!f.site) say("site", t(row.kind === "custody" ? "problem.site_suite" : "problem.site_unit"));
  if (f.co_visitors.length + 1 < scheme.min_visitors) {
    say("visitors", t("problem.visitors", { n: scheme.min_visitors }));
  }
  if (!f.arrived_at) say("arrived_at", t("problem.arrived_at"));
  if (row.kind === "custody" && admitted(f) && !f.admitted_at) say("admitted_at", t("problem.admitted_at"));
  if (f.outcome && f.outcome !== "completed" && !f.outcome_reason.trim()) {
    say("outcome_reason", t("problem.outcome_reason"));
  }
  if (!f.left_at) say("left_at", t("problem.left_at"));
  const delay = row.kind === "custody" ? accessDelay(f) : null;
  if (delay !== null && delay < 0) say("admitted_at", t("problem.admitted_before_arrival"));
  const last = row.kind === "custody" && admitted(f) ? f.admitted_at || f.arrived_at : f.arrived_at;
  if (last && f.left_at && new Date(f.left_at) < new Date(last)) say("left_at", t("problem.left_before"));
  if (delay !== null && delay > scheme.immediate_access_minutes && !f.delay_reason.trim()) {
    say("delay_reason", t("problem.delay_reason", { minutes: delay }));
  }
  if (delay !== null && delay > scheme.immediate_access_minutes && "outcome" in f && !f.delay_authorised_by_rank) {
    say("delay_authorised_by_rank", t("problem.delay_rank"));
  }
  if (f.concern_raised && !f.concern_details.trim()) {
    say("concern", t("problem.concern"));
  }
  if (row.kind === "animal" && f.outcome !== "access_refused" && f.welfare_needs) {
    const of = WELFARE_NEEDS.filter(([need]) => f.welfare_needs[need] === "concern").map(([, label]) => t(label).toLowerCase());
    if (of.length && !f.issues.length) {
      say("welfare_needs", t("problem.welfare_concern", { needs: of.join(", ") }));
    }
  }
  f.issues.forEach((issue, index) => {  // numbered from 1, as the form shows them
    if (!issue.category) say(`issues.${index + 1}.category`, t("problem.issue_category"));
    if (!issue.description.trim()) say(`issues.${index + 1}.description`, t("problem.issue_description"));
  });
  return found;
}

// A sent report as the service holds it (GET visits/{id}/ or animal-visits/{id}/), in the form's fields,
// to be read back on the phone.
export function fromServer(kind, body, me) {
  const f = newReport(kind, me).fields;
  Object.assign(f, {
    site: body.site, co_visitors: body.visitors.filter((id) => id !== me.id), arrived_at: body.arrived_at,
    left_at: body.left_at, comments: body.comments || "", outcome: body.outcome || "completed",
    outcome_reason: body.outcome_reason || "",
    issues: (body.issues || []).map((i) => ({
      category: i.category, description: i.description, resolved_during_visit: i.resolved_during_visit,
    })),
  });
  if (kind === "custody") {
    Object.assign(f, {
      admitted_at: body.admitted_at, delay_reason: body.delay_reason || "", seen_profile: body.seen_profile || {},
      delay_authorised_by_rank: body.delay_authorised_by_rank || "", tact: Boolean(body.tact),
      concern_raised: Boolean(body.concern && body.concern.raised), concern_details: (body.concern && body.concern.details) || "",
    });
    for (const [name] of TALLY) f[name] = body[`detainees_${name}`] || 0;
    for (const [name] of CHECKS) f[name] = body[name] ?? null;
    for (const [name] of LIMITED) f[name] = body[name] || 0;
  } else {
    f.animals_seen = body.animals_seen || 0;
    for (const [name] of ANIMAL_CHECKS) f[name] = Boolean(body[name]);
    if (body.welfare_needs) f.welfare_needs = { ...f.welfare_needs, ...body.welfare_needs };
  }
  return {
    client_uuid: body.client_uuid, kind, state: "sent", user: me.id, fields: f, errors: {}, server_id: body.id,
    message: "report.from_service", created: body.created_at,
  };
}
