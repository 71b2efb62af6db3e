// A report as the phone keeps it, and the body the API is sent. Offered and present are derived from
// the tally, so the arithmetic the server checks can never be wrong.
export const TALLY = [
  ["seen", "Seen"], ["refused", "Refused"], ["not_offered", "Not offered"],
  ["unavailable", "Unavailable"], ["observed", "Observed"],
];

export const PROFILE = {
  gender: { label: "Gender", values: [["female", "Female"], ["male", "Male"], ["other", "Other or not said"]] },
  age_group: { label: "Age", values: [["juvenile", "Juvenile (under 18)"], ["adult", "Adult"]] },
};

export const CHECKS = [
  ["cells_clean", "Cells clean"], ["kitchen_clean", "Kitchen clean"], ["yard_clean", "Yard clean"],
  ["food_in_date", "Food in date"], ["hygiene_products_offered", "Hygiene products offered to women"],
  ["female_officer_available", "A female officer available"],
];

export const ANIMAL_CHECKS = [
  ["records_checked", "Animals' records checked"], ["kennels_observed", "Kennels observed"],
  ["vehicles_observed", "Vehicles observed"], ["training_observed", "Training observed"],
];

// Version 1.1 of the contract. What the volunteer sees of each outcome; an animal visit is never remote.
export const OUTCOMES = [
  ["completed", "Completed"], ["remote", "By telephone or video"], ["access_refused", "Not let in"],
  ["abandoned", "Had to stop"],
];
export const ANIMAL_OUTCOMES = OUTCOMES.filter(([value]) => value !== "remote");
// Not admitted to the suite: no "We are in", so no admission time and no access delay.
export const NOT_ADMITTED = ["remote", "access_refused"];
export const REASON_LABELS = {
  remote: "Why by telephone or video?", access_refused: "Why were you not let in?",
  abandoned: "Why did you have to stop?",
};

export const RANKS = [
  ["sergeant", "Sergeant"], ["inspector", "Inspector"], ["chief_inspector", "Chief inspector"],
  ["superintendent_or_above", "Superintendent or above"], ["not_given", "Not given: nobody said"],
];

// The five needs of the Animal Welfare Act 2006, s9.
export const WELFARE_NEEDS = [
  ["environment", "Environment", "A suitable place to live"],
  ["diet", "Diet", "Suitable food and water"],
  ["behaviour", "Behaviour", "Able to behave normally"],
  ["company", "Company", "Housed with, or apart from, other animals as it needs"],
  ["health", "Health", "Protected from pain, injury and disease"],
];
export const WELFARE_STATES = [["met", "Met"], ["concern", "Concern"], ["not_checked", "Not checked"]];

// Counts of the custody suite with their upper limit: never more than the detainees present or seen.
export const LIMITED = [
  ["juveniles_present", "Children (under 18) present", "present"],
  ["vulnerable_present", "Vulnerable detainees present", "present"],
  ["custody_records_examined", "Custody records examined", "seen"],
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
  if (minutes <= scheme.immediate_access_minutes) return { code: "immediate", words: "Immediate access" };
  if (minutes <= scheme.long_delay_minutes) {
    return { code: "6-15", words: `${scheme.immediate_access_minutes + 1}–${scheme.long_delay_minutes} minutes` };
  }
  return { code: "over-15", words: `Over ${scheme.long_delay_minutes} minutes` };
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
  if (!f.site) say("site", row.kind === "custody" ? "Choose the suite." : "Choose the unit.");
  if (f.co_visitors.length + 1 < scheme.min_visitors) {
    say("visitors", `Name your co-visitor: a visit needs at least ${scheme.min_visitors} visitors.`);
  }
  if (!f.arrived_at) say("arrived_at", "Tap “We have arrived”, or type the time.");
  if (row.kind === "custody" && admitted(f) && !f.admitted_at) say("admitted_at", "Tap “We are in”, or type the time.");
  if (f.outcome && f.outcome !== "completed" && !f.outcome_reason.trim()) {
    say("outcome_reason", "Say why, in a few words: the service needs it for a visit not completed.");
  }
  if (!f.left_at) say("left_at", "Tap “We are leaving”, or type the time.");
  const delay = row.kind === "custody" ? accessDelay(f) : null;
  if (delay !== null && delay < 0) say("admitted_at", "Admission cannot be before arrival.");
  const last = row.kind === "custody" && admitted(f) ? f.admitted_at || f.arrived_at : f.arrived_at;
  if (last && f.left_at && new Date(f.left_at) < new Date(last)) say("left_at", "Departure cannot be before that.");
  if (delay !== null && delay > scheme.immediate_access_minutes && !f.delay_reason.trim()) {
    say("delay_reason", `Access took ${delay} minutes: say why.`);
  }
  if (delay !== null && delay > scheme.immediate_access_minutes && "outcome" in f && !f.delay_authorised_by_rank) {
    say("delay_authorised_by_rank", "Choose the rank of the officer who authorised the delay, or “Not given”.");
  }
  if (f.concern_raised && !f.concern_details.trim()) {
    say("concern", "Say what was seen or alleged: the manager needs it to act.");
  }
  if (row.kind === "animal" && f.outcome !== "access_refused" && f.welfare_needs) {
    const of = WELFARE_NEEDS.filter(([need]) => f.welfare_needs[need] === "concern").map(([, label]) => label.toLowerCase());
    if (of.length && !f.issues.length) {
      say("welfare_needs", `A concern about ${of.join(", ")} needs an issue below saying what it is: add one.`);
    }
  }
  f.issues.forEach((issue, index) => {  // numbered from 1, as the form shows them
    if (!issue.category) say(`issues.${index + 1}.category`, "Choose a category.");
    if (!issue.description.trim()) say(`issues.${index + 1}.description`, "Describe the issue (no names).");
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
    message: "The service has this report, as shown here.", created: body.created_at,
  };
}
