/** Words for a getUserMedia/getDisplayMedia failure, naming what could not be opened. */
export function describeMediaError(error: unknown, what: 'audio' | 'video' | 'both' | 'screen'): string {
  const device =
    what === 'audio'
      ? 'microphone'
      : what === 'video'
        ? 'camera'
        : what === 'screen'
          ? 'screen sharing'
          : 'camera and microphone';
  const name = error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to the ${device} is blocked. Allow it in the browser's site settings, then reload.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${device} was found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `The ${device} is in use by another application or could not start.`;
    default:
      return `Could not start the ${device}.`;
  }
}
