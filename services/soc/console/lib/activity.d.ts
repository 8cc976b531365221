export interface Activity {
  from: number;
  to: number;
  minutes: { minute: number | string; attempts: number | string; answered: number | string }[];
}
export function minuteSeries(activity: Activity, now?: number): [number[], number[], number[]];
