/* Live vehicles as a struct of typed arrays, fed by compact batches (desktop/map/batch.py). */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const NO_FIX = -2147483648;
  const DEG = Math.PI / 180;
  const MAX_TRAIL = 3 * 130; // [mx, my, ts] triples; batch.py sends at most ~60 per window

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

  // meta row: [slot, trip_id, sev, kind, plate, order, containers, seals, phase, origin, dest, open, region]
  class Store {
    constructor(trailSeconds) {
      this.trailSeconds = trailSeconds;
      this.cap = 0;
      this.high = 0; // 1 + highest slot ever used
      this.idSlot = new Map();
      this.base = 0;
      this.now = 0;
      this.lastPrune = 0;
      this.grow(4096);
    }

    grow(need) {
      if (need <= this.cap) return;
      let cap = Math.max(this.cap * 2, 4096);
      while (cap < need) cap *= 2;
      const copy = (Type, old) => {
        const arr = new Type(cap);
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
      this.live = copy(Uint8Array, this.live);
      this.located = copy(Uint8Array, this.located);
      this.meta = this.meta || [];
      this.trail = this.trail || [];
      this.cap = cap;
    }

    clear(slot) {
      if (slot >= this.cap || !this.live[slot]) return;
      const row = this.meta[slot];
      if (row && this.idSlot.get(row[1]) === slot) this.idSlot.delete(row[1]);
      this.live[slot] = 0;
      this.located[slot] = 0;
      this.meta[slot] = null;
      this.trail[slot] = null;
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
        if (!this.live[slot]) {
          this.live[slot] = 1;
          this.located[slot] = 0;
          this.trail[slot] = null;
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
        let tr = this.trail[slot];
        if (!tr) tr = this.trail[slot] = [];
        tr.push(mercX(t[i + 3] / 1e6), mercY(t[i + 2] / 1e6), t[i + 1]);
        if (tr.length > MAX_TRAIL || tr[2] < cutoff) this.pruneOne(slot, cutoff);
      }
      if (this.now - this.lastPrune >= 10) this.pruneAll();
      return moved;
    }

    pruneOne(slot, cutoff) {
      const tr = this.trail[slot];
      let k = 0;
      while (k < tr.length && tr[k + 2] < cutoff) k += 3;
      if (tr.length - k > MAX_TRAIL) k = tr.length - MAX_TRAIL;
      if (k > 0) tr.splice(0, k);
    }

    pruneAll() {
      this.lastPrune = this.now;
      const cutoff = this.now - this.trailSeconds;
      for (let slot = 0; slot < this.high; slot++) {
        const tr = this.trail[slot];
        if (tr && tr.length && tr[2] < cutoff) this.pruneOne(slot, cutoff);
      }
    }

    counts() {
      const bySev = [0, 0, 0, 0, 0];
      let total = 0;
      let unlocated = 0;
      for (let slot = 0; slot < this.high; slot++) {
        if (!this.live[slot]) continue;
        total++;
        bySev[this.sev[slot]]++;
        if (!this.located[slot]) unlocated++;
      }
      return { total, bySev, unlocated };
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
        located,
        lat: located ? this.lat[slot] / 1e6 : null,
        lon: located ? this.lon[slot] / 1e6 : null,
        fixTs: this.fix[slot] === NO_FIX ? null : this.base + this.fix[slot],
        speedKmh: this.speed[slot] === NO_FIX ? null : this.speed[slot] / 10,
        trailPoints: this.trail[slot] ? this.trail[slot].length / 3 : 0,
      };
    }
  }

  JMC.Store = Store;
  JMC.geo = { mercX, mercY, NO_FIX };
})();
