// Where manifests live, the one place that knows it. Below a workspace: manifests/backfill/<pub>/<pub>_<period>.yaml
// (the manifest backfill wrote), <pub>_<period>_enriched.yaml (names and descriptions) and
// <pub>_<period>_completed.yaml (the item's load committed); on the branch
// datawarp/manifests the same paths below backfill/. Node's path module only: every stage may import it.
import { join, sep } from 'node:path';

/** `completed`: the item's completion record, written once its load committed (what init-state trusts). */
export type ManifestKind = 'manifest' | 'enriched' | 'completed';

/** The manifests folder of a repository, relative to its top (what git adds). */
export const MANIFESTS_DIR = 'manifests';

/** The manifests root of a workspace: <cwd>/manifests. */
export const manifestsRoot = (cwd: string): string => join(cwd, MANIFESTS_DIR);

const PUBS = 'backfill';
const SUFFIX: Record<ManifestKind, string> = {
  manifest: '.yaml',
  enriched: '_enriched.yaml',
  completed: '_completed.yaml',
};

/** <pub>_<period>.yaml, <pub>_<period>_enriched.yaml or <pub>_<period>_completed.yaml */
export const manifestFileName = (pub: string, period: string, kind: ManifestKind): string =>
  `${pub}_${period}${SUFFIX[kind]}`;

/** The period part of a file name of the publication's manifests of this kind (undefined when it is not one;
 * the caller checks that it is a period). */
export function periodPartOf(pub: string, name: string, kind: ManifestKind): string | undefined {
  if (!name.startsWith(`${pub}_`) || !name.endsWith(SUFFIX[kind])) return undefined;
  const period = name.slice(pub.length + 1, -SUFFIX[kind].length);
  return kind === 'manifest' && /_(enriched|completed)$/.test(period) ? undefined : period;
}

/** Whether a file name is an enriched manifest's. */
export const isEnrichedFileName = (name: string): boolean => name.endsWith(SUFFIX.enriched);

/** The default enriched manifest of a manifest file: beside it, <name>_enriched.yaml. */
export const enrichedBeside = (manifestPath: string): string =>
  manifestPath.replace(/(\.ya?ml)?$/i, SUFFIX.enriched);

/** The folder holding every publication's folder of manifests: <root>/backfill. */
export const publicationsDir = (root: string): string => join(root, PUBS);

/** The folder of a publication's manifests: <root>/backfill/<pub>. */
export const publicationDir = (root: string, pub: string): string => join(root, PUBS, pub);

/** The file of an item's manifest: <root>/backfill/<pub>/<pub>_<period>[_enriched].yaml. */
export const manifestPath = (root: string, pub: string, period: string, kind: ManifestKind): string =>
  join(publicationDir(root, pub), manifestFileName(pub, period, kind));

/** On the manifests branch: every publication's folder below this prefix ... */
export const BRANCH_PUBLICATIONS = `${PUBS}/`;
/** ... a publication's files below this one ... */
export const branchPublicationDir = (pub: string): string => `${PUBS}/${pub}/`;
/** ... and an item's file at this path. */
export const branchManifestPath = (pub: string, period: string, kind: ManifestKind): string =>
  branchPublicationDir(pub) + manifestFileName(pub, period, kind);

/** The manifests root of a file at <root>/backfill/<pub>/<file> (the folder it is in), else undefined. */
export function rootOfPublicationDir(dir: string, pub: string): string | undefined {
  const tail = `${sep}${PUBS}${sep}${pub}`;
  return dir.endsWith(tail) ? dir.slice(0, -tail.length) : undefined;
}
