/** Old image builds: which are removed after a build, and how failures are taken. */
import type Dockerode from 'dockerode';
import { buildsToPrune, pruneOldBuilds } from '../../../src/lab/images';
import type { ImageBuild } from '../../../src/lab/images';

const build = (hash: string, created: number): ImageBuild => ({
  tags: [`chaos/web:${hash}`],
  created,
});

/** Long after every build below (seconds since the epoch). */
const NOW = 100_000;

describe('buildsToPrune', () => {
  it('never removes a build younger than the grace period (another run may need it)', () => {
    const builds = [build('a', 1), build('b', 2), build('c', 3), build('d', 4), build('e', 5)];
    expect(buildsToPrune(builds, 'chaos/web:e', 1 + 3600)).toEqual(['chaos/web:a']);
    expect(buildsToPrune(builds, 'chaos/web:e', 3600)).toEqual([]);
  });

  it('keeps the newest three and removes the rest, oldest included', () => {
    const builds = [build('a', 1), build('e', 5), build('c', 3), build('b', 2), build('d', 4)];
    expect(buildsToPrune(builds, 'chaos/web:e', NOW).sort()).toEqual([
      'chaos/web:a',
      'chaos/web:b',
    ]);
  });

  it('never removes the current build, even when it is not among the newest', () => {
    const builds = [build('a', 1), build('b', 2), build('c', 3), build('d', 4), build('e', 5)];
    expect(buildsToPrune(builds, 'chaos/web:a', NOW).sort()).toEqual([
      'chaos/web:b',
      'chaos/web:c',
    ]);
  });

  it('nothing to remove with three builds or fewer', () => {
    expect(
      buildsToPrune([build('a', 1), build('b', 2), build('c', 3)], 'chaos/web:c', NOW),
    ).toEqual([]);
    expect(buildsToPrune([], 'chaos/web:c', NOW)).toEqual([]);
  });
});

describe('pruneOldBuilds', () => {
  function fakeDocker(images: { RepoTags: string[]; Created: number }[], refuse: number) {
    const removed: string[] = [];
    const filters: unknown[] = [];
    const docker = {
      listImages: (opts: { filters: unknown }) => {
        filters.push(opts.filters);
        return Promise.resolve(images);
      },
      getImage: (tag: string) => ({
        remove: () => {
          if (tag === 'chaos/web:a')
            return Promise.reject(Object.assign(new Error('in use'), { statusCode: refuse }));
          removed.push(tag);
          return Promise.resolve();
        },
      }),
    } as unknown as Dockerode;
    return { docker, removed, filters };
  }

  const images = ['a', 'b', 'c', 'd', 'e'].map((h, i) => ({
    RepoTags: [`chaos/web:${h}`],
    Created: i + 1,
  }));

  it('removes old builds by their label; one a container uses (409) is left alone quietly', async () => {
    const { docker, removed, filters } = fakeDocker(images, 409);
    const lines: string[] = [];
    const result = await pruneOldBuilds(docker, 'web', 'chaos/web:e', (l) => lines.push(l));
    expect(filters).toEqual([{ label: ['org.chaos.image=web'] }]);
    expect(removed).toEqual(['chaos/web:b']);
    expect(result).toEqual(['chaos/web:b']);
    expect(lines).toEqual(['web: removed 1 old build(s): chaos/web:b']);
  });

  it('other failures are reported and never thrown', async () => {
    const { docker } = fakeDocker(images, 500);
    const lines: string[] = [];
    await expect(
      pruneOldBuilds(docker, 'web', 'chaos/web:e', (l) => lines.push(l)),
    ).resolves.toEqual(['chaos/web:b']);
    expect(lines[0]).toMatch(/^web: could not remove chaos\/web:a: /);
  });
});
