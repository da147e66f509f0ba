/** Errors of volume set-up, reported the way kubelet's volume manager does. */

/**
 * A volume that cannot be set up: kubelet keeps the pod's containers waiting in
 * ContainerCreating and records a FailedMount event
 * `MountVolume.SetUp failed for volume "<name>" : <message>`.
 */
export class VolumeSetupError extends Error {
  constructor(
    readonly volume: string,
    readonly detail: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${detail}`);
  }
}
