"""The live map (folium + Leaflet served locally)."""
