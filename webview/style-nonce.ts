/**
 * Monaco and uPlot add `<style>` elements at run time. The page's policy admits styles only from
 * its origin or with the page's nonce, so every style element the page creates is given the nonce.
 * This module must be evaluated before either library: main.ts imports it first.
 */
import { pageConfig } from './page-config';

const create = Document.prototype.createElement;
Document.prototype.createElement = function createElement(this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
  const element = create.call(this, tagName, options);
  if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', pageConfig.nonce);
  return element;
} as typeof Document.prototype.createElement;
