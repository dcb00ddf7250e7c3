/** The variable that tells a child which process started it (see `exit-with-parent.ts`). */
export const PARENT_PID_VARIABLE = "BAZAAR_DEV_PARENT_PID";

/**
 * `parentIsGone` says whether the process that started this one has died. An orphan is re-parented (to
 * init or a subreaper), so its parent pid changes: that survives pid reuse, which probing the old pid
 * would not.
 */
export function parentIsGone(expectedParent: number, currentParent: number = process.ppid): boolean {
  return currentParent !== expectedParent;
}
