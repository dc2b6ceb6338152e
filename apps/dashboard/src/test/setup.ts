import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { TextDecoder, TextEncoder } from 'node:util';

// findBy/waitFor wait this long: pages render slowly when every project's tests run at once.
configure({ asyncUtilTimeout: 5000 });

// Browsers have these; jest-environment-jsdom does not.
Object.assign(globalThis, { TextEncoder, TextDecoder });

// jsdom lacks these browser APIs, which Mantine's components use.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList,
});

class ResizeObserverStub {
  observe = (): void => undefined;
  unobserve = (): void => undefined;
  disconnect = (): void => undefined;
}
window.ResizeObserver = ResizeObserverStub;
window.HTMLElement.prototype.scrollIntoView = () => undefined;
// The events list's window virtualizer scrolls to where the window already is, on mount.
window.scrollTo = () => undefined;

afterEach(() => {
  sessionStorage.clear();
});
