/**
 * Where ccm-mock answers differently from Metro on purpose, by corpus case name, with the reason.
 * docs/wire-fidelity.md lists the same deviations for users.
 */
export const DEVIATIONS: Record<string, string> = {};
