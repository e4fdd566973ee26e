/**
 * Python that writes `message` as one protocol line onto every pipe or socket the call holds that
 * is not its own stdout or stderr (Node's stdio pipes are socket pairs): a forgery of the channel.
 */
export const writeOnChannel = (message: Record<string, unknown>): string => `
import os, stat, fcntl, json
line = (${JSON.stringify(JSON.stringify(message))} + "\\n").encode()
own = {os.fstat(1).st_ino, os.fstat(2).st_ino}
for fd in range(3, 256):
    try:
        info = os.fstat(fd)
        if (stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode)) and info.st_ino not in own:
            if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY:
                os.write(fd, line)
    except OSError:
        continue
`;
