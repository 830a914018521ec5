if (window.corridorsLanguage) { window.corridorsLanguage({{ this.lang|tojson }}); }
