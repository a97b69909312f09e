// What a CLI command printed: console.log and console.error captured for each test, restored after it.
export function captureConsole(): string[] {
  const logged: string[] = [];
  beforeEach(() => {
    logged.length = 0;
    for (const stream of ["log", "error"] as const)
      jest.spyOn(console, stream).mockImplementation((...args) => void logged.push(args.join(" ")));
  });
  afterEach(() => jest.restoreAllMocks());
  return logged;
}
