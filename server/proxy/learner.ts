import {
  PROFILE_SCHEMA,
  PROFILE_SETTING_NAMES,
  type ProfileSettingName,
  type ProfileSettings,
  type WireProfileFile,
} from '../profile-file.js';

/**
 * The learned wire profile: per setting, the values the observations support and how often each was seen.
 * A setting takes the value seen most often (the rest count as contradicting it); a setting never observed
 * stays out of the profile.
 */

interface Tally {
  value: unknown;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** How many distinct values of one setting are tallied (a changing serviceInfo must not grow without bound). */
const MAX_VALUES = 32;

export class ProfileLearner {
  private readonly tallies = new Map<ProfileSettingName, Map<string, Tally>>();

  observe<K extends ProfileSettingName>(name: K, value: NonNullable<ProfileSettings[K]>, at: Date): void {
    let byValue = this.tallies.get(name);
    if (!byValue) this.tallies.set(name, (byValue = new Map<string, Tally>()));
    const key = JSON.stringify(value);
    const iso = at.toISOString();
    const t = byValue.get(key);
    if (t) {
      t.count++;
      t.lastSeen = iso;
    } else if (byValue.size < MAX_VALUES) byValue.set(key, { value, count: 1, firstSeen: iso, lastSeen: iso });
  }

  /** The value of a setting the observations support so far, if any. */
  value<K extends ProfileSettingName>(name: K): ProfileSettings[K] | undefined {
    return this.best(name)?.value as ProfileSettings[K] | undefined;
  }

  private best(name: ProfileSettingName): (Tally & { contradicting: number }) | undefined {
    const byValue = this.tallies.get(name);
    if (!byValue?.size) return undefined;
    const all = [...byValue.values()];
    const top = all.reduce((a, b) => (b.count > a.count || (b.count === a.count && b.lastSeen > a.lastSeen) ? b : a));
    return { ...top, contradicting: all.reduce((n, t) => n + t.count, 0) - top.count };
  }

  profile(learnedFrom: WireProfileFile['learnedFrom']): WireProfileFile {
    const settings: Record<string, unknown> = {};
    const evidence: WireProfileFile['evidence'] = {};
    for (const name of PROFILE_SETTING_NAMES) {
      const b = this.best(name);
      if (!b) continue;
      settings[name] = b.value;
      evidence[name] = {
        observations: b.count,
        contradicting: b.contradicting,
        firstSeen: b.firstSeen,
        lastSeen: b.lastSeen,
      };
    }
    // the schema is the file's definition: what does not pass it is never written
    return PROFILE_SCHEMA.parse({
      format: 'ccm-mock-wire-profile',
      version: 1,
      learnedFrom,
      settings,
      evidence,
    });
  }
}
