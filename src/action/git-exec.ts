// The identity the action's commits carry (git itself runs through src/git/exec.ts, the one git runner).

/** Who the action's commits are by: the GitHub Actions bot, unless another author is given. */
export const BOT_AUTHOR = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** The environment that makes git commit as `author`. */
export function authorEnv(author = BOT_AUTHOR): NodeJS.ProcessEnv {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}
