// Each role includes the one before it. The server decides; the console only hides what would be refused.
const RANK = { viewer: 1, analyst: 2, operator: 3 };

export function can(role, needed) {
  return (RANK[role] ?? 0) >= RANK[needed];
}
