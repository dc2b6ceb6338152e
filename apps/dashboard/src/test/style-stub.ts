/** Stylesheets are the browser's business: Jest maps every `*.css` import here. */
export {};
