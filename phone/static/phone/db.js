// Everything the app keeps on the phone, in one IndexedDB database that sign-out deletes whole.
// "reports": one row per report, keyed by its client_uuid. "kv": tokens, the user, the scheme's lists.
const NAME = "icv-phone";
let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("reports", { keyPath: "client_uuid" });
        request.result.createObjectStore("kv");
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab signing out deletes the database: let it, and open afresh when next needed.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
  }
  return opening;
}

async function store(name, mode) {
  return (await open()).transaction(name, mode).objectStore(name);
}

export async function get(key) {
  return promised((await store("kv", "readonly")).get(key));
}

export async function set(key, value) {
  return promised((await store("kv", "readwrite")).put(value, key));
}

export async function report(uuid) {
  return promised((await store("reports", "readonly")).get(uuid));
}

export async function reports() {
  return promised((await store("reports", "readonly")).getAll());
}

export async function putReport(row) {
  row.updated = new Date().toISOString();
  await promised((await store("reports", "readwrite")).put(row));
  return row;
}

export async function deleteReport(uuid) {
  return promised((await store("reports", "readwrite")).delete(uuid));
}

// Change one report inside a single transaction, so two tabs never overwrite each other's state.
export async function updateReport(uuid, change) {
  const reports = await store("reports", "readwrite");
  return new Promise((resolve, reject) => {
    const request = reports.get(uuid);
    request.onsuccess = () => {
      const row = request.result;
      if (!row) { resolve(undefined); return; }
      const changed = change(row);
      if (!changed) { resolve(row); return; }
      changed.updated = new Date().toISOString();
      reports.put(changed).onsuccess = () => resolve(changed);
    };
    request.onerror = () => reject(request.error);
  });
}

export async function wipe() {
  if (opening) {
    const db = await opening.catch(() => null);
    if (db) db.close();
    opening = null;
  }
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => resolve();  // the other tabs close on versionchange; deletion then completes
  });
}
