/* Live vehicles as a struct of typed arrays, fed by compact batches (desktop/map/batch.py). */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const NO_FIX = -2147483648;
  const DEG = Math.PI / 180;
  const TRAIL_CAP = 64; // points per trail (a ring); batch.py sends at most ~60 per window

  const mercX = (lon) => (lon + 180) / 360;
  function mercY(lat) {
    const s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * DEG);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  function decodeInt32(b64) {
    if (!b64) return new Int32Array(0);
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Int32Array(bytes.buffer);
  }

  // meta row: [slot, trip_id, sev, kind, plate, order, containers, seals, phase, origin, dest, open, region, conflict]
  class Store {
    constructor(trailSeconds) {
      this.trailSeconds = trailSeconds;
      this.cap = 0;
      this.high = 0; // 1 + highest slot ever used
      this.idSlot = new Map();
      this.base = 0;
      this.now = 0;
      this.lastPrune = 0;
      this.trailsChanged = false;
      this.grow(4096);
    }

    grow(need) {
      if (need <= this.cap) return;
      // grow by a quarter, in steps of 1024: the trail pool is TRAIL_CAP entries per slot
      const cap = Math.ceil(Math.max(need, this.cap * 1.25, 4096) / 1024) * 1024;
      const copy = (Type, old, per = 1) => {
        const arr = new Type(cap * per);
        if (old) arr.set(old);
        return arr;
      };
      this.mx = copy(Float64Array, this.mx);
      this.my = copy(Float64Array, this.my);
      this.lat = copy(Int32Array, this.lat);
      this.lon = copy(Int32Array, this.lon);
      this.fix = copy(Int32Array, this.fix);
      this.speed = copy(Int32Array, this.speed);
      this.sev = copy(Uint8Array, this.sev);
      this.kind = copy(Uint8Array, this.kind);
      this.conflict = copy(Uint8Array, this.conflict); // 1: a ticket with an unresolved CONFLICT
      this.live = copy(Uint8Array, this.live);
      this.located = copy(Uint8Array, this.located);
      this.tHead = copy(Int32Array, this.tHead);
      this.tLen = copy(Int32Array, this.tLen);
      this.ax = copy(Float64Array, this.ax); // trail anchor (first point) per slot
      this.ay = copy(Float64Array, this.ay);
      this.tx = copy(Float32Array, this.tx, TRAIL_CAP); // offsets from the anchor: small, so float32 is exact enough
      this.ty = copy(Float32Array, this.ty, TRAIL_CAP);
      this.tt = copy(Int32Array, this.tt, TRAIL_CAP);
      this.meta = this.meta || [];
      this.cap = cap;
    }

    clear(slot) {
      if (slot >= this.cap || !this.live[slot]) return;
      const row = this.meta[slot];
      if (row && this.idSlot.get(row[1]) === slot) this.idSlot.delete(row[1]);
      this.live[slot] = 0;
      this.located[slot] = 0;
      this.conflict[slot] = 0;
      this.meta[slot] = null;
      this.tLen[slot] = 0;
      this.trailsChanged = true;
    }

    // Apply one batch; returns the slots whose position changed.
    apply(batch) {
      this.base = batch.b;
      this.now = batch.t;
      for (const slot of batch.rm) this.clear(slot);
      for (const row of batch.m) {
        const slot = row[0];
        this.grow(slot + 1);
        if (slot >= this.high) this.high = slot + 1;
        const old = this.meta[slot];
        if (old && old[1] !== row[1] && this.idSlot.get(old[1]) === slot) this.idSlot.delete(old[1]);
        this.meta[slot] = row;
        this.idSlot.set(row[1], slot);
        this.sev[slot] = row[2];
        this.kind[slot] = row[3];
        this.conflict[slot] = row[13] ? 1 : 0;
        if (!this.live[slot]) {
          this.live[slot] = 1;
          this.located[slot] = 0;
          this.tLen[slot] = 0;
        }
      }
      const p = decodeInt32(batch.p);
      const moved = new Int32Array(p.length / 5);
      for (let i = 0, k = 0; i < p.length; i += 5, k++) {
        const slot = p[i];
        moved[k] = slot;
        if (slot >= this.cap || !this.live[slot]) continue;
        const lat = p[i + 1];
        this.lat[slot] = lat;
        this.lon[slot] = p[i + 2];
        this.fix[slot] = p[i + 3];
        this.speed[slot] = p[i + 4];
        if (lat === NO_FIX) {
          this.located[slot] = 0;
        } else {
          this.located[slot] = 1;
          this.mx[slot] = mercX(p[i + 2] / 1e6);
          this.my[slot] = mercY(lat / 1e6);
        }
      }
      const t = decodeInt32(batch.tr);
      const cutoff = this.now - this.trailSeconds;
      for (let i = 0; i < t.length; i += 4) {
        const slot = t[i];
        if (slot >= this.cap || !this.live[slot]) continue;
        this.pushTrail(slot, mercX(t[i + 3] / 1e6), mercY(t[i + 2] / 1e6), t[i + 1]);
      }
      if (t.length) this.trailsChanged = true;
      if (this.now - this.lastPrune >= 5) this.pruneAll(cutoff);
      return moved;
    }

    // Trails live in one pool: slot s owns entries [s * TRAIL_CAP, (s + 1) * TRAIL_CAP), a ring.
    pushTrail(slot, mx, my, ts) {
      const len = this.tLen[slot];
      const base = slot * TRAIL_CAP;
      if (!len) {
        this.ax[slot] = mx;
        this.ay[slot] = my;
      }
      let k;
      if (len < TRAIL_CAP) {
        k = (this.tHead[slot] + len) % TRAIL_CAP;
        this.tLen[slot] = len + 1;
      } else {
        k = this.tHead[slot]; // full: overwrite the oldest
        this.tHead[slot] = (k + 1) % TRAIL_CAP;
      }
      this.tx[base + k] = mx - this.ax[slot];
      this.ty[base + k] = my - this.ay[slot];
      this.tt[base + k] = ts;
    }

    pruneAll(cutoff) {
      this.lastPrune = this.now;
      for (let slot = 0; slot < this.high; slot++) {
        let len = this.tLen[slot];
        if (!len) continue;
        const base = slot * TRAIL_CAP;
        let head = this.tHead[slot];
        while (len > 0 && this.tt[base + head] < cutoff) {
          head = (head + 1) % TRAIL_CAP;
          len--;
        }
        if (len !== this.tLen[slot]) {
          this.tHead[slot] = head;
          this.tLen[slot] = len;
          this.trailsChanged = true;
        }
      }
    }

    counts() {
      const bySev = [0, 0, 0, 0, 0];
      let total = 0;
      let unlocated = 0;
      let conflicts = 0;
      for (let slot = 0; slot < this.high; slot++) {
        if (!this.live[slot]) continue;
        total++;
        bySev[this.sev[slot]]++;
        if (!this.located[slot]) unlocated++;
        if (this.conflict[slot]) conflicts++;
      }
      return { total, bySev, unlocated, conflicts };
    }

    // What the tests and the tooltip read about one trip.
    inspect(tripId) {
      const slot = this.idSlot.get(tripId);
      if (slot === undefined || !this.live[slot]) return null;
      const m = this.meta[slot];
      const located = !!this.located[slot];
      return {
        slot,
        tripId: m[1],
        severity: m[2],
        passive: m[3] === 1,
        plate: m[4],
        order: m[5],
        containers: m[6],
        seals: m[7],
        phase: m[8],
        origin: m[9],
        destination: m[10],
        openTickets: m[11],
        region: m[12],
        conflict: this.conflict[slot] === 1,
        located,
        lat: located ? this.lat[slot] / 1e6 : null,
        lon: located ? this.lon[slot] / 1e6 : null,
        fixTs: this.fix[slot] === NO_FIX ? null : this.base + this.fix[slot],
        speedKmh: this.speed[slot] === NO_FIX ? null : this.speed[slot] / 10,
        trailPoints: this.tLen[slot],
      };
    }
  }

  Store.TRAIL_CAP = TRAIL_CAP;
  JMC.Store = Store;
  JMC.geo = { mercX, mercY, NO_FIX };
})();
