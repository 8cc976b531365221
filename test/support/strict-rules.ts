/** Rules whose alerts cannot tip either way on a threshold: streaming must give exactly the replay's ids. */
export const STRICT_RULES = ['dno-spoofed-cli-trunk', 'dno-spoofed-cli-number', 'home-cli-from-abroad-trunk', 'cli-rotation-trunk'];
