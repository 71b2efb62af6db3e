// VERSION and SHELL are written above by the server: the app's version and the files it is made of.
// The API is never cached here: reports live in IndexedDB, and "Where next?" must not outlive a sign-out.
const CACHE = `icv-phone-${VERSION}`;

async function precache() {
  const cache = await caches.open(CACHE);
  // "reload" skips the HTTP cache, so a new version never mixes with files of the old one.
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("icv-phone-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  // After a sign-out wiped every cache, the next sign-in puts the (user-free) shell back.
  if (event.data === "precache") event.waitUntil(precache());
});

// This version's own cache only: while a new version waits, the old one must not serve the new files.
async function fromShell(path, request) {
  const hit = await (await caches.open(CACHE)).match(path);
  return hit || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    event.respondWith(fromShell("/app/", request));
    return;
  }
  if (!SHELL.includes(url.pathname)) return;
  event.respondWith(fromShell(url.pathname, request));
});
