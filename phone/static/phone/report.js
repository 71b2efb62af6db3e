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
  return {
    client_uuid: crypto.randomUUID(), kind, state: "draft", user: me.id, fields, errors: {}, message: "",
    created: new Date().toISOString(),
  };
}

export function derived(fields) {
  const offered = fields.seen + fields.refused;
  return { offered, present: offered + fields.not_offered + fields.unavailable + fields.observed };
}

// Minutes from arrival to admission, a part-minute counting whole, as the server judges it.
export function accessDelay(fields) {
  if (!fields.arrived_at || !fields.admitted_at) return null;
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
  if (row.kind === "custody") {
    const { offered, present } = derived(f);
    Object.assign(body, {
      admitted_at: f.admitted_at, delay_reason: f.delay_reason, detainees_present: present,
      detainees_offered: offered, detainees_seen: f.seen, detainees_refused: f.refused,
      detainees_not_offered: f.not_offered, detainees_unavailable: f.unavailable, detainees_observed: f.observed,
    });
    const profile = {};
    for (const [dimension, counts] of Object.entries(f.seen_profile)) {
      const kept = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
      if (Object.keys(kept).length) profile[dimension] = kept;
    }
    body.seen_profile = profile;
    for (const [name] of CHECKS) body[name] = f[name];
  } else {
    body.animals_seen = f.animals_seen;
    for (const [name] of ANIMAL_CHECKS) body[name] = f[name];
  }
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
  if (row.kind === "custody" && !f.admitted_at) say("admitted_at", "Tap “We are in”, or type the time.");
  if (!f.left_at) say("left_at", "Tap “We are leaving”, or type the time.");
  const delay = row.kind === "custody" ? accessDelay(f) : null;
  if (delay !== null && delay < 0) say("admitted_at", "Admission cannot be before arrival.");
  const last = row.kind === "custody" ? f.admitted_at || f.arrived_at : f.arrived_at;
  if (last && f.left_at && new Date(f.left_at) < new Date(last)) say("left_at", "Departure cannot be before that.");
  if (delay !== null && delay > scheme.immediate_access_minutes && !f.delay_reason.trim()) {
    say("delay_reason", `Access took ${delay} minutes: say why.`);
  }
  f.issues.forEach((issue, index) => {  // numbered from 1, as the form shows them
    if (!issue.category) say(`issues.${index + 1}.category`, "Choose a category.");
    if (!issue.description.trim()) say(`issues.${index + 1}.description`, "Describe the issue (no names).");
  });
  return found;
}
