/**
 * The registry an image reference points at, as Docker reads references: the first path component
 * when it looks like a host (has a `.` or a `:`, or is `localhost`), otherwise Docker Hub.
 * `127.0.0.1:4566/app:1` → `127.0.0.1:4566`; `busybox` and `library/busybox` → `docker.io`.
 */
export function registryOfImage(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}
