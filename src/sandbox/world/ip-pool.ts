/**
 * Pod addresses of one cluster, from its `10.N.0.0/16`. Allocation goes round-robin through the
 * range and skips addresses in use, so an address is reused only after the whole range has been
 * handed out (as a CNI with a cooldown would behave) — a stale registration of a deleted pod's IP
 * keeps pointing at nothing for a long while.
 */
export class IpPool {
  private readonly prefix: string;
  private next = 0;
  private readonly used = new Set<number>();

  constructor(cidr: string) {
    const m = /^10\.(\d{1,3})\.0\.0\/16$/.exec(cidr);
    if (!m) throw new RangeError(`pod range must be 10.N.0.0/16, got ${cidr}`);
    this.prefix = `10.${m[1]}`;
  }

  allocate(): string {
    for (let tries = 0; tries < 65536; tries++) {
      const i = this.next;
      this.next = (this.next + 1) % 65536;
      const hi = i >> 8;
      const lo = i & 255;
      // Skip the network's first /24 and each /24's network and broadcast addresses.
      if (hi === 0 || lo === 0 || lo === 255 || this.used.has(i)) continue;
      this.used.add(i);
      return `${this.prefix}.${hi}.${lo}`;
    }
    throw new RangeError(`no free pod address left in ${this.prefix}.0.0/16`);
  }

  release(ip: string): void {
    const [, , hi, lo] = ip.split('.').map(Number);
    this.used.delete(((hi as number) << 8) | (lo as number));
  }

  /** Marks an address taken (a pod that came with its own IP). */
  reserve(ip: string): void {
    const [a, b, hi, lo] = ip.split('.').map(Number);
    if (`${a}.${b}` === this.prefix) this.used.add(((hi as number) << 8) | (lo as number));
  }
}
